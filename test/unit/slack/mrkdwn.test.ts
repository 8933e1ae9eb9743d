import { describe, expect, it } from "vitest";
import { escapeMrkdwn, inlineText, link, mentionChannel, mentionUser, truncate } from "../../../src/slack/mrkdwn.ts";

describe("mrkdwn escaping", () => {
  it("escapes exactly &, < and >, so mentions and links from a tracker or the model stay text", () => {
    expect(escapeMrkdwn("<!channel> deploy now")).toBe("&lt;!channel&gt; deploy now");
    expect(escapeMrkdwn("<@U123> & <#C1> <!subteam^S1> <https://evil.example|click>")).toBe(
      "&lt;@U123&gt; &amp; &lt;#C1&gt; &lt;!subteam^S1&gt; &lt;https://evil.example|click&gt;",
    );
    expect(escapeMrkdwn("*bold* _it_ `code` ~x~ \"q\" 'a'")).toBe("*bold* _it_ `code` ~x~ \"q\" 'a'");
    expect(escapeMrkdwn("&amp;")).toBe("&amp;amp;");
  });

  it("truncates to the limit with an ellipsis, never inside an entity or a surrogate pair", () => {
    expect(truncate("short", 10)).toBe("short");
    expect(truncate("abcdefghij", 5)).toBe("abcd…");
    expect(truncate(escapeMrkdwn("a & b"), 5)).toBe("a …");
    expect(truncate("ab😀cd", 4)).toBe("ab…");
    expect(truncate("abcdef", 1)).toBe("…");
    for (let max = 1; max < 40; max++) expect(truncate(escapeMrkdwn("<x> & <y> & <z> 😀😀 tail"), max).length).toBeLessThanOrEqual(max);
  });

  it("folds a title onto one line, escaped", () => {
    expect(inlineText("  Fix\n\n<b>  the   bug ", 100)).toBe("Fix &lt;b&gt; the bug");
  });

  it("links only http(s) urls, escaping the label and keeping the url from ending the link early", () => {
    expect(link("https://linear.app/a/issue/ENG-1", "ENG-1")).toBe("<https://linear.app/a/issue/ENG-1|ENG-1>");
    expect(link("https://x.test/a?b=1&c=<2>|3", "<b>")).toBe("<https://x.test/a?b=1&amp;c=%3C2%3E%7C3|&lt;b&gt;>");
    expect(link("javascript:alert(1)", "ENG-1")).toBe("ENG-1");
    expect(link(null, "ENG-1 <x>")).toBe("ENG-1 &lt;x&gt;");
  });

  it("mentions only real ids", () => {
    expect(mentionUser("U0ALICE")).toBe("<@U0ALICE>");
    expect(mentionUser("linear:user-1")).toBe("linear:user-1");
    expect(mentionUser("<!here>")).toBe("&lt;!here&gt;");
    expect(mentionChannel("C0RUNS")).toBe("<#C0RUNS>");
    expect(mentionChannel("#general")).toBe("#general");
  });
});
