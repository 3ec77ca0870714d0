import { describe, expect, it } from "vitest";
import { addressOf, isOfIdentity } from "../../plugins/deploy-guard.js";

// The deploy guard's check that a stage's MAIL_FROM is an address of its SES identity; the
// refusals themselves, through `sls package`, are in test/deploy/reproducible-package.test.ts.

describe("addressOf", () => {
  it.each([
    ["Example <no-reply@example.com>", "no-reply@example.com"],
    ["no-reply@example.com", "no-reply@example.com"],
    ["  Example Inc. <no-reply@example.com>  ", "no-reply@example.com"],
  ])("reads %s as %s", (from, address) => {
    expect(addressOf(from)).toBe(address);
  });
});

describe("isOfIdentity", () => {
  it.each([
    ["an address of the domain identity", "no-reply@example.com", "example.com"],
    ["an address of the domain identity, in other case", "No-Reply@Example.COM", "example.com"],
    ["the address identity itself", "no-reply@example.com", "no-reply@example.com"],
  ])("accepts %s", (_, address, identity) => {
    expect(isOfIdentity(address, identity)).toBe(true);
  });

  it.each([
    ["an address of another domain", "no-reply@example.org", "example.com"],
    ["an address of a subdomain", "no-reply@mail.example.com", "example.com"],
    ["an address of a domain that ends like it", "no-reply@badexample.com", "example.com"],
    ["another address of the address identity's domain", "support@example.com", "no-reply@example.com"],
    ["a value that is no address", "example.com", "example.com"],
  ])("refuses %s", (_, address, identity) => {
    expect(isOfIdentity(address, identity)).toBe(false);
  });
});
