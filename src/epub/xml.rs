//! A small escaping XML writer for the EPUB's XHTML, OPF and NCX files.
//!
//! Input: element and attribute names as `&'static str` (so they can only
//! come from tebiki's code), attribute values and text as any `&str` (they
//! may come from the source and are always escaped). Output: a well-formed
//! XML string; elements still open at [`XmlWriter::finish`] are closed.
//! Characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) are dropped.

/// Builds one XML document.
#[derive(Debug, Default)]
pub(crate) struct XmlWriter {
    out: String,
    open: Vec<&'static str>,
}

impl XmlWriter {
    /// A writer that starts with the XML declaration.
    pub(crate) fn new() -> XmlWriter {
        let mut writer = XmlWriter::default();
        writer
            .out
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        writer
    }

    /// Writes a fixed piece of markup such as a doctype. Only `'static`
    /// strings are accepted, so source text cannot get here.
    pub(crate) fn markup(&mut self, markup: &'static str) {
        self.out.push_str(markup);
    }

    /// A line break between elements, for readability of the output.
    pub(crate) fn newline(&mut self) {
        self.out.push('\n');
    }

    /// Opens `<name attr="value"...>`; attributes with an empty name are
    /// skipped, so optional attributes can be passed as `("", "")`.
    pub(crate) fn open(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push('>');
        self.open.push(name);
    }

    /// Writes `<name attr="value".../>`.
    pub(crate) fn empty(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) {
        self.start_tag(name, attrs);
        self.out.push_str("/>");
    }

    /// Closes the innermost open element (nothing when none is open).
    pub(crate) fn close(&mut self) {
        if let Some(name) = self.open.pop() {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
    }

    /// Writes `<name attrs>text</name>`.
    pub(crate) fn element(
        &mut self,
        name: &'static str,
        attrs: &[(&'static str, &str)],
        text: &str,
    ) {
        self.open(name, attrs);
        self.text(text);
        self.close();
    }

    /// Writes escaped text.
    pub(crate) fn text(&mut self, text: &str) {
        escape_into(&mut self.out, text, false);
    }

    /// Closes what is still open and returns the document.
    pub(crate) fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out.push('\n');
        self.out
    }

    fn start_tag(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (attr, value) in attrs {
            if attr.is_empty() {
                continue;
            }
            self.out.push(' ');
            self.out.push_str(attr);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value, true);
            self.out.push('"');
        }
    }
}

/// Appends `text` with `&`, `<`, `>` (and `"` in attributes) escaped and
/// characters that XML 1.0 forbids removed.
fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' | '\t' | '\r' if attribute => out.push(' '),
            '\n' | '\t' => out.push(c),
            '\r' => {}
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// Whether XML 1.0 allows `c` in a document (tab, newline and carriage
/// return are handled by the caller).
fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes_and_closes_elements() {
        let mut w = XmlWriter::new();
        w.open("p", &[("class", "a\"b<c>&"), ("", "ignored")]);
        w.text("<script>alert('x')</script> & \u{1}ok\u{ffff}");
        w.empty("br", &[]);
        let out = w.finish();
        assert_eq!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<p class=\"a&quot;b&lt;c&gt;&amp;\">\
             &lt;script&gt;alert('x')&lt;/script&gt; &amp; ok<br/></p>\n"
        );
    }

    #[test]
    fn close_without_open_is_harmless() {
        let mut w = XmlWriter::default();
        w.close();
        w.element("em", &[], "x");
        assert_eq!(w.finish(), "<em>x</em>\n");
    }
}
