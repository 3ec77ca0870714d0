import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// README.md and docs/*.md link to each other by file and heading; a page moved or a heading
// renamed breaks those links silently. This checks that every relative link resolves to a file,
// and its #anchor to a heading of that file, as GitHub renders them.

const ROOT = join(import.meta.dirname, "../..");

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Markdown text without fenced code blocks, where `#` and `](…)` are no heading and no link. */
function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "");
}

/** Every heading's anchor, with GitHub's -1, -2 … for repeated headings. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of withoutCodeBlocks(markdown).matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = headingAnchor((match[1] ?? "").replace(/`/g, ""));
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The relative link targets of a page (no scheme, no mailto), as written. */
export function relativeLinks(markdown: string): string[] {
  const inlineCodeDropped = withoutCodeBlocks(markdown).replace(/`[^`\n]*`/g, "");
  const targets = [...inlineCodeDropped.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? "");
  return targets.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** What is wrong with each link of one page, relative to the repository root. */
function brokenLinks(page: string): string[] {
  const broken: string[] = [];
  const text = readFileSync(join(ROOT, page), "utf8");
  for (const link of relativeLinks(text)) {
    const [path = "", anchor] = link.split("#");
    const target = path === "" ? join(ROOT, page) : join(ROOT, dirname(page), path);
    const targetName = relative(ROOT, target);
    if (!existsSync(target)) {
      broken.push(`${page}: ${link} (no file ${targetName})`);
      continue;
    }
    if (anchor !== undefined && !anchorsOf(readFileSync(target, "utf8")).has(anchor)) broken.push(`${page}: ${link} (no heading #${anchor})`);
  }
  return broken;
}

const pages = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`)];

describe("links between README.md and docs/", () => {
  it.each(pages)("every relative link of %s resolves to a file and a heading", (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  it("reads anchors and links the way GitHub does", () => {
    // Prepare
    const page = "# Deploy per stage\n## How close `npm start` is to a stage\n## Faults\n## Faults\n```sh\n# not a heading [x](nowhere.md)\n```\nSee [a](other.md#faults), [b](https://example.com) and `[c](code.md)`.\n";

    // Act
    const anchors = anchorsOf(page);
    const links = relativeLinks(page);

    // Assess
    expect([...anchors]).toEqual(["deploy-per-stage", "how-close-npm-start-is-to-a-stage", "faults", "faults-1"]);
    expect(links).toEqual(["other.md#faults"]);
    expect(headingAnchor("Network: the VPC, and the way to Secrets Manager")).toBe("network-the-vpc-and-the-way-to-secrets-manager");
  });
});
