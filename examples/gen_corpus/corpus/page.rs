//! One Markdown page of the benchmark site.
//!
//! Input: the page's [`PagePlan`], the whole [`SitePlan`] (for cross-page
//! links), the screenshot pool and the page's own random stream. Output: the
//! file text: front matter, then a body in the style of a real help page
//! (numbered steps with screenshots, region conditionals, variables,
//! admonitions, Markdown and HTML tables, code, anchored headings, links).

use std::fmt::Write as _;

use super::Gen;
use super::images::Shot;
use super::plan::{FrontMatter, PagePlan, SitePlan};
use super::prose::{fill, sentence, sentences};
use super::vocab;

/// Screenshots per page, on average two.
const SCREENS_PER_PAGE: [usize; 5] = [1, 2, 2, 2, 3];

/// Writing state of one page.
struct Writer<'a> {
    generator: &'a mut Gen,
    page: &'a PagePlan,
    site: &'a SitePlan,
    shots: &'a [Shot],
    /// Screenshots still to place.
    screens_left: usize,
    out: String,
}

/// The full text of `page`.
pub(super) fn write(
    generator: &mut Gen,
    page: &PagePlan,
    site: &SitePlan,
    shots: &[Shot],
) -> String {
    let screens = *generator.pick(&SCREENS_PER_PAGE);
    let mut writer = Writer {
        generator,
        page,
        site,
        shots,
        screens_left: if page.section { 1 } else { screens },
        out: String::with_capacity(6 * 1024),
    };
    writer.front_matter();
    if page.section {
        writer.section_body();
    } else {
        writer.page_body();
    }
    writer.out
}

impl Writer<'_> {
    fn front_matter(&mut self) {
        let title = self.page.title.replace('"', "”");
        match self.page.front {
            FrontMatter::Yaml => {
                let _ = writeln!(
                    self.out,
                    "---\ntitle: \"{title}\"\nweight: {}",
                    self.page.weight
                );
                if let Some((key, codes)) = self.page.region_rule {
                    let _ = writeln!(self.out, "{key}: [{}]", codes.join(", "));
                }
                self.out.push_str("---\n\n");
            }
            FrontMatter::Toml => {
                let _ = writeln!(
                    self.out,
                    "+++\ntitle = \"{title}\"\nweight = {}",
                    self.page.weight
                );
                if let Some((key, codes)) = self.page.region_rule {
                    let quoted: Vec<String> = codes.iter().map(|c| format!("\"{c}\"")).collect();
                    let _ = writeln!(self.out, "{key} = [{}]", quoted.join(", "));
                }
                self.out.push_str("+++\n\n");
            }
        }
    }

    fn section_body(&mut self) {
        self.paragraph();
        if self.generator.chance(0.5) {
            self.screen_block();
        }
        self.bullets_of_links();
    }

    fn page_body(&mut self) {
        self.paragraph();
        if self.generator.chance(0.25) {
            self.cn_only_intro();
        }
        let headings = self.page.headings.clone();
        let last = headings.len().saturating_sub(1);
        for (k, heading) in headings.iter().enumerate() {
            let _ = writeln!(self.out, "## {} {{#{}}}\n", heading.text, heading.anchor);
            let blocks = self.generator.range(2, 5);
            for _ in 0..blocks {
                self.block();
            }
            if k == last {
                while self.screens_left > 0 {
                    self.screen_block();
                }
            }
        }
        if self.generator.chance(0.3) {
            self.see_also();
        }
    }

    /// One block of a heading's section.
    fn block(&mut self) {
        match self.generator.range(0, 20) {
            0..=4 => self.steps(""),
            5..=6 => self.region_variant_steps(),
            7..=8 => self.paragraph(),
            9 => self.bullets(""),
            10..=11 => self.admonition(),
            12 => self.markdown_table(),
            13..=14 => self.html_table(),
            15 => self.code_block(),
            16 => self.nested_conditionals(),
            17 => self.subsection(),
            18 => self.inline_conditional_paragraph(),
            _ => self.paragraph_with_link(),
        }
    }

    /// A paragraph of 2–4 sentences, sometimes with inline markup.
    fn paragraph(&mut self) {
        let count = self.generator.range(2, 5);
        let mut text = sentences(self.generator, count);
        if self.generator.chance(0.2) {
            let extra = sentence(self.generator, vocab::EXPLAIN);
            text.push_str("  \n");
            text.push_str(&extra);
        }
        if self.generator.chance(0.15) {
            text.push_str("<br>");
            text.push_str(&format!(
                "<b>{}</b>",
                sentence(self.generator, vocab::EXPLAIN)
            ));
        }
        if self.generator.chance(0.15) {
            let item = *self.generator.pick(vocab::ITEMS);
            text.push_str(&format!("**「{item}」は必須です。**"));
        }
        if self.generator.chance(0.1) {
            text.push_str(
                "設定例：`https://example.cybozu.com/k/v1/records.json?app=1&query=limit%20500`",
            );
        }
        self.out.push_str(&text);
        self.out.push_str("\n\n");
    }

    /// A paragraph that ends with a link to another page (or a heading).
    fn paragraph_with_link(&mut self) {
        let lead = sentences(self.generator, 1);
        let link = self.link();
        let _ = writeln!(self.out, "{lead}  \n詳細は、{link}を参照してください。\n");
    }

    /// A Markdown link to another page, a heading of it, this page's own
    /// heading, or an external site.
    fn link(&mut self) -> String {
        let roll = self.generator.range(0, 10);
        if roll == 0 {
            let (text, url) = *self.generator.pick(vocab::EXTERNAL);
            return format!("[{text}]({url})");
        }
        if roll == 1 && !self.page.headings.is_empty() {
            let heading = self.generator.pick(&self.page.headings).clone();
            return format!("[{}](#{})", heading.text, heading.anchor);
        }
        let Some(&target) = self.generator.pick_opt(&self.site.linkable) else {
            return "[稼働状況](https://status.cybozu.com/)".to_owned();
        };
        let target = &self.site.pages[target];
        if !target.headings.is_empty() && self.generator.chance(0.5) {
            let heading = self.generator.pick(&target.headings);
            format!("[{}]({}#{})", heading.text, target.url, heading.anchor)
        } else {
            format!("[{}]({})", target.title, target.url)
        }
    }

    /// `{{< screen … >}}` for one pool image.
    fn screen_tag(&mut self) -> String {
        self.screens_left = self.screens_left.saturating_sub(1);
        let shot = self.generator.pick(self.shots);
        let alt = *self.generator.pick(vocab::ALTS);
        if self.generator.chance(0.1) {
            format!(
                "{{{{< screen src=\"{}\" alt=\"{alt}\" width=\"600\" >}}}}",
                shot.src
            )
        } else {
            format!("{{{{< screen src=\"{}\"  alt=\"{alt}\">}}}}", shot.src)
        }
    }

    fn screen_block(&mut self) {
        let tag = self.screen_tag();
        let _ = writeln!(self.out, "{tag}\n");
    }

    /// A numbered procedure written `1.` for every item, as the guides do,
    /// with screenshots inside items. `indent` prefixes every line.
    fn steps(&mut self, indent: &str) {
        let count = self.generator.range(3, 7);
        for i in 0..count {
            let step = sentence(self.generator, vocab::STEPS);
            let _ = writeln!(self.out, "{indent}1. {step}  ");
            if self.generator.chance(0.3) {
                let more = sentence(self.generator, vocab::EXPLAIN);
                let _ = writeln!(self.out, "{indent}   {more}  ");
            }
            let want_screen = self.screens_left > 0 && (i == 0 || self.generator.chance(0.35));
            if want_screen {
                let tag = self.screen_tag();
                let _ = writeln!(self.out, "{indent}   {tag}  ");
            }
            if self.generator.chance(0.12) {
                self.out.push('\n');
                let sub = format!("{indent}    ");
                self.bullets(&sub);
                continue;
            }
            self.out.push('\n');
        }
    }

    /// The same procedure for JP and US, the way the seed page differs per
    /// region, and sometimes a CN variant.
    fn region_variant_steps(&mut self) {
        for region in ["JP", "US"] {
            let _ = writeln!(self.out, "{{{{% enabled {region} %}}}}\n");
            self.steps("");
            self.out.push_str("{{% /enabled %}}\n\n");
        }
        if self.generator.chance(0.4) {
            self.out.push_str("{{% enabled CN %}}\n\n");
            self.paragraph();
            self.out.push_str("{{% /enabled %}}\n\n");
        }
    }

    /// A bulleted list of short items.
    fn bullets(&mut self, indent: &str) {
        let count = self.generator.range(2, 6);
        for _ in 0..count {
            let item = sentence(self.generator, vocab::BULLETS);
            let _ = writeln!(self.out, "{indent}* {item}");
        }
        self.out.push('\n');
    }

    fn bullets_of_links(&mut self) {
        let count = self.generator.range(2, 6);
        for _ in 0..count {
            let link = self.link();
            let _ = writeln!(self.out, "* {link}");
        }
        self.out.push('\n');
    }

    /// A CN-only opening, as in the seed page.
    fn cn_only_intro(&mut self) {
        self.out.push_str("{{% enabled CN %}}\n\n");
        for _ in 0..2 {
            let lead = sentence(self.generator, vocab::BULLETS);
            let body = sentences(self.generator, 1);
            let link = self.link();
            let _ = writeln!(
                self.out,
                "* {{{{%slash%}}}}{lead}場合：  \n  {body}  \n  操作の詳細は、{link}を参照してください。  "
            );
        }
        self.out.push_str("\n{{% /enabled %}}\n\n");
    }

    /// A warning, note, info or tip box with Markdown inside.
    fn admonition(&mut self) {
        let kind = *self.generator.pick(&["warning", "note", "info", "tip"]);
        let _ = writeln!(self.out, "{{{{% {kind} %}}}}");
        let count = self.generator.range(1, 3);
        let body = sentences(self.generator, count);
        let _ = writeln!(self.out, "{body}\n");
        if self.generator.chance(0.4) {
            self.bullets("");
        }
        if self.generator.chance(0.3) {
            let item = *self.generator.pick(vocab::ITEMS);
            let _ = writeln!(
                self.out,
                "**「{item}」を変更した場合**  \n{}",
                sentences(self.generator, 1)
            );
        }
        let _ = writeln!(self.out, "{{{{% /{kind} %}}}}\n");
    }

    /// A Markdown table of settings.
    fn markdown_table(&mut self) {
        self.out
            .push_str("| 項目 | 説明 | 必須 |\n| --- | --- | :---: |\n");
        let rows = self.generator.range(3, 9);
        for _ in 0..rows {
            let item = *self.generator.pick(vocab::ITEMS);
            let text = sentence(self.generator, vocab::EXPLAIN);
            let required = *self.generator.pick(&["○", "－", "○（{{%service%}}のみ）"]);
            let _ = writeln!(self.out, "| {item} | {text} | {required} |");
        }
        self.out.push('\n');
    }

    /// An HTML table with rowspan, colspan, lists and inline conditionals
    /// in cells, as real help sites write permission tables.
    fn html_table(&mut self) {
        self.out.push_str("<table>\n");
        if self.generator.chance(0.3) {
            let (object, _) = *self.generator.pick(vocab::OBJECTS);
            let _ = writeln!(self.out, "<caption>{object}の操作と権限</caption>");
        }
        self.out.push_str(
            "<thead>\n<tr><th>機能</th><th>操作</th><th>{{%slash%}}共通管理者</th><th>ユーザー</th></tr>\n</thead>\n<tbody>\n",
        );
        let groups = self.generator.range(2, 5);
        for _ in 0..groups {
            let (object, _) = *self.generator.pick(vocab::OBJECTS);
            let span = self.generator.range(1, 4);
            for row in 0..span {
                self.out.push_str("<tr>");
                if row == 0 {
                    let _ = write!(self.out, "<td rowspan=\"{span}\">{object}</td>");
                }
                let (verb, _) = *self.generator.pick(vocab::VERBS);
                let verb = verb.trim_start_matches(['を', 'の']);
                let _ = write!(self.out, "<td>{verb}</td>");
                match self.generator.range(0, 6) {
                    0 => self.out.push_str(
                        "<td colspan=\"2\">{{% disabled US CN %}}{{%store%}}で{{% /disabled %}}設定します。</td>",
                    ),
                    1 => {
                        let a = sentence(self.generator, vocab::BULLETS);
                        let b = sentence(self.generator, vocab::BULLETS);
                        let _ = write!(self.out, "<td>○<br>（条件あり）</td><td><ul><li>{a}</li><li>{b}</li></ul></td>");
                    }
                    2 => self.out.push_str(
                        "<td>○</td><td>{{% enabled JP %}}○{{% /enabled %}}{{% enabled US CN %}}×{{% /enabled %}}</td>",
                    ),
                    _ => {
                        let user = *self.generator.pick(&["×", "○", "－"]);
                        let _ = write!(self.out, "<td>○</td><td>{user}</td>");
                    }
                }
                self.out.push_str("</tr>\n");
            }
        }
        self.out.push_str("</tbody>\n</table>\n\n");
    }

    /// A fenced code block: a CSV import file, an API request or JSON.
    fn code_block(&mut self) {
        match self.generator.range(0, 3) {
            0 => {
                self.out.push_str(
                    "```csv\n\"ログイン名\",\"表示名\",\"メールアドレス\",\"優先する組織\"\n",
                );
                let rows = self.generator.range(2, 6);
                for i in 0..rows {
                    let (object, slug) = *self.generator.pick(vocab::OBJECTS);
                    let _ = writeln!(
                        self.out,
                        "\"{slug}{i:03}\",\"{object}担当{i}\",\"{slug}{i}@example.com\",\"営業部\""
                    );
                }
                self.out.push_str("```\n\n");
            }
            1 => {
                let (_, slug) = *self.generator.pick(vocab::OBJECTS);
                let _ = writeln!(
                    self.out,
                    "```shell\ncurl -X GET 'https://example.cybozu.com/v1/{slug}s.json?size=100&offset=0' \\\n  -H 'X-Cybozu-Authorization: bG9naW5fbmFtZTpwYXNzd29yZA=='\n```\n"
                );
            }
            _ => {
                let (object, slug) = *self.generator.pick(vocab::OBJECTS);
                let _ = writeln!(
                    self.out,
                    "```json\n{{\n  \"{slug}\": {{\n    \"code\": \"{slug}-001\",\n    \"name\": \"{object}の名前（表示用）\",\n    \"valid\": true\n  }}\n}}\n```\n"
                );
            }
        }
    }

    /// Region conditionals nested two deep, with a multi-region list.
    fn nested_conditionals(&mut self) {
        self.out.push_str("{{% disabled CN %}}\n");
        self.paragraph();
        self.out.push_str("{{% enabled JP US %}}\n\n");
        self.bullets("");
        if self.generator.chance(0.5) {
            self.out.push_str("{{% enabled US %}}\n{{% warning %}}\n");
            let text = sentences(self.generator, 2);
            let _ = writeln!(
                self.out,
                "{text}\n{{{{% /warning %}}}}\n{{{{% /enabled %}}}}\n"
            );
        }
        self.out
            .push_str("{{% /enabled %}}\n\n{{% /disabled %}}\n\n");
    }

    /// A `###` heading without an explicit anchor and its text.
    fn subsection(&mut self) {
        let heading = sentence(self.generator, vocab::HEADINGS);
        let _ = writeln!(self.out, "### {heading}\n");
        self.paragraph();
    }

    /// A paragraph with a conditional inside the sentence.
    fn inline_conditional_paragraph(&mut self) {
        let lead = sentences(self.generator, 1);
        let tail = fill(self.generator, "{obj}の購入手続きをします。");
        let _ = writeln!(
            self.out,
            "{lead}{{{{% disabled US CN %}}}}{{{{%store%}}}}で{{{{% /disabled %}}}}{tail}\n"
        );
    }

    /// The site's own `seealso` shortcode (mapped in `tebiki.toml`).
    fn see_also(&mut self) {
        self.out.push_str("{{% seealso %}}\n");
        let count = self.generator.range(1, 4);
        for _ in 0..count {
            let link = self.link();
            let _ = writeln!(self.out, "* {link}");
        }
        self.out.push_str("{{% /seealso %}}\n");
    }
}
