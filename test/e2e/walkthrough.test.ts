import { beforeAll, describe, expect, it } from "vitest";
import { call, newAccount, signIn, signUp, type Session } from "../support/http.ts";
import { invokeLocal, printedJson } from "../support/invoke-local.ts";

// The tutorial's story over HTTP: an admin made with the createAdmin ops function, a moderator
// that admin signs up, and a plain user; each reaches exactly their boards.

const BOARDS = {
  all: "/api/test/all",
  user: "/api/test/user",
  mod: "/api/test/mod",
  pm: "/api/test/pm",
  admin: "/api/test/admin",
} as const;
type Board = keyof typeof BOARDS;

const CONTENT: Record<Board, string> = {
  all: "Public Content.",
  user: "User Content.",
  mod: "Moderator Content.",
  pm: "Moderator Content.",
  admin: "Admin Content.",
};

const REFUSAL: Partial<Record<Board, string>> = {
  mod: "Require Moderator Role!",
  pm: "Require Moderator Role!",
  admin: "Require Admin Role!",
};

const admin = newAccount("admin");
const moderator = newAccount("mod");
const user = newAccount("user");
const sessions: Record<"admin" | "moderator" | "user", Session> = {} as never;

describe("tutorial walk-through", () => {
  beforeAll(async () => {
    const created = printedJson<{ username: string; email: string; roles: string[]; action: string }>(
      await invokeLocal("createAdmin", admin),
    );
    expect(created).toMatchObject({ username: admin.username, email: admin.email, roles: ["ROLE_USER", "ROLE_MODERATOR", "ROLE_ADMIN"], action: "created" });
    sessions.admin = await signIn(admin);

    const moderatorSignup = await signUp(moderator, { roles: ["moderator"], token: sessions.admin.accessToken });
    expect(moderatorSignup.status).toBe(201);
    sessions.moderator = await signIn(moderator);

    const userSignup = await signUp(user);
    expect(userSignup.status).toBe(201);
    expect(userSignup.json()).toEqual({ message: "User registered successfully!", id: expect.any(Number) });
    sessions.user = await signIn(user);
  }, 180_000);

  it("signs each in with the tutorial's role names, each role including those below it", () => {
    expect(sessions.admin.roles).toEqual(["ROLE_USER", "ROLE_MODERATOR", "ROLE_ADMIN"]);
    expect(sessions.moderator.roles).toEqual(["ROLE_USER", "ROLE_MODERATOR"]);
    expect(sessions.user.roles).toEqual(["ROLE_USER"]);
    for (const [name, session] of Object.entries(sessions)) {
      const account = { admin, moderator, user }[name as keyof typeof sessions];
      expect(session).toMatchObject({ username: account.username, email: account.email, tokenType: "Bearer", expiresIn: 900 });
    }
  });

  type Who = "anonymous" | "user" | "moderator" | "admin";
  const reach: Record<Who, Board[]> = {
    anonymous: ["all"],
    user: ["all", "user"],
    moderator: ["all", "user", "mod", "pm"],
    admin: ["all", "user", "mod", "pm", "admin"],
  };

  /** The board's content, or the refusal that fits: 401 without a token (the body is the gateway's), 403 with one. */
  function expectedAnswer(who: Who, board: Board) {
    if (reach[who].includes(board)) return { status: 200, contentType: expect.stringMatching(/^text\/plain/), text: CONTENT[board] };
    if (who === "anonymous") return { status: 401, contentType: expect.stringMatching(/^application\/json/) };
    return { status: 403, contentType: expect.stringMatching(/^application\/json/), text: JSON.stringify({ message: REFUSAL[board] }) };
  }

  for (const who of Object.keys(reach) as Who[]) {
    for (const board of Object.keys(BOARDS) as Board[]) {
      it(`${who} ${reach[who].includes(board) ? "reads" : "is refused"} the ${board} board`, async () => {
        const token = who === "anonymous" ? undefined : sessions[who].accessToken;
        const response = await call(BOARDS[board], { token });
        const answer = { status: response.status, contentType: response.headers.get("content-type"), text: response.text };
        expect(answer).toMatchObject(expectedAnswer(who, board));
      });
    }
  }

  it("promotes an existing user to admin through createAdmin, naming the account", async () => {
    const promoted = printedJson<{ id: number; username: string; email: string; roles: string[]; action: string }>(
      await invokeLocal("createAdmin", { username: moderator.username, promote: true }),
    );
    expect(promoted).toEqual({
      id: sessions.moderator.id,
      username: moderator.username,
      email: moderator.email,
      roles: ["ROLE_USER", "ROLE_MODERATOR", "ROLE_ADMIN"],
      action: "promoted",
    });
    const session = await signIn(moderator);
    expect(session.roles).toEqual(["ROLE_USER", "ROLE_MODERATOR", "ROLE_ADMIN"]);
    expect((await call(BOARDS.admin, { token: session.accessToken })).text).toBe("Admin Content.");
  }, 180_000);
});
