import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// serverless.yml pulls the stack's raw CloudFormation in from resources/, one file per concern.
// A file there that serverless.yml does not list would be left out of the template without a word.

const SERVERLESS_YML = readFileSync("serverless.yml", "utf8");
/** The files of resources/ as serverless.yml lists them: `  - ${file(resources/<name>)}`. */
const INCLUDED = [...SERVERLESS_YML.matchAll(/^ {2}- \$\{file\(resources\/([^)]+)\)\}$/gm)].map((match) => match[1]!);
const FILES = readdirSync("resources");

describe("resources/", () => {
  it("has every file listed under serverless.yml's resources, once", () => {
    expect([...INCLUDED].sort()).toEqual([...FILES].sort());
  });

  it.each(FILES)("%s holds only sections of a CloudFormation template", (file) => {
    const sections = [...readFileSync(`resources/${file}`, "utf8").matchAll(/^(\w+):/gm)].map((match) => match[1]);
    expect(sections.length).toBeGreaterThan(0);
    for (const section of sections) expect(["Conditions", "Resources", "Outputs"]).toContain(section);
  });
});
