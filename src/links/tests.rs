//! Unit tests of link resolution over a small book.

use super::*;
use crate::diag::Severity;
use crate::model::testing::{book, heading, internal, link, page, para, span, text};
use crate::model::{Figure, ImageRef, Page, PageKind};

/// A link to `href`, not yet resolved, labelled `t`.
fn unresolved(href: &str) -> Inline {
    link(LinkTarget::Unresolved(href.into()), "t")
}

/// Three pages: two in `login/` (each with a heading, the first with
/// `links` in a paragraph) and the section `admin/`.
fn small_book(links: Vec<Inline>) -> Book {
    book(
        0,
        vec![
            page(
                0,
                PageKind::Page,
                0,
                "admin_account",
                "login/admin_account",
                vec![heading(2, "top_10", "top_10"), para(links)],
            ),
            page(
                1,
                PageKind::Page,
                0,
                "admin_temp",
                "login/admin_temp",
                vec![heading(2, "temp_10", "temp_10")],
            ),
            Page {
                source_path: "admin/_index.md".into(),
                url: "/general/ja/admin/".into(),
                ..page(2, PageKind::Section, 0, "admin", "admin", vec![])
            },
        ],
    )
}

fn ctx() -> LinkContext {
    LinkContext {
        url_prefix: "/general/ja/".into(),
        base_url: "https://help.example".into(),
        hosts: vec!["help.example".into(), "get.kintone.help".into()],
        ugly_urls: true,
        static_dir: PathBuf::from("/nonexistent-static"),
        content_dir: PathBuf::from("/nonexistent-content"),
        site_urls: [
            (
                "/general/ja/login/admin_account.html",
                "login/admin_account.md",
            ),
            ("/general/ja/login/admin_temp.html", "login/admin_temp.md"),
            ("/general/ja/old/temp.html", "login/admin_temp.md"),
            ("/general/ja/admin.html", "admin/_index.md"),
            ("/general/ja/other/out.html", "other/out.md"),
        ]
        .into_iter()
        .map(|(url, rel)| (url_key(url), vec![rel.to_string()]))
        .collect(),
    }
}

fn resolved(hrefs: &[&str]) -> (Vec<Inline>, Diagnostics) {
    let mut b = small_book(hrefs.iter().map(|h| unresolved(h)).collect());
    let mut diags = Diagnostics::new();
    resolve(&mut b, &ctx(), &mut diags);
    let Block::Paragraph(p) = b.pages[0].blocks[1].clone() else {
        panic!("paragraph expected")
    };
    (p.content, diags)
}

fn target(inline: &Inline) -> &LinkTarget {
    match inline {
        Inline::Link(l) => &l.target,
        other => panic!("link expected, got {other:?}"),
    }
}

#[test]
fn every_link_form_resolves() {
    let (out, diags) = resolved(&[
        "/general/ja/login/admin_temp.html#temp_10",
        "admin_temp.html",
        "../login/admin_temp.html",
        "#top_10",
        "/general/ja/admin/",
        "/general/ja/admin/index.html",
        "https://www.kintone.com/support/",
        "mailto:x@example.com",
        "https://help.example/general/ja/login/admin_temp.html",
        "HTTP://HELP.example/general/ja/login/admin_temp.html",
        "//get.kintone.help/general/ja/login/admin_temp/",
        "/general/ja/old/temp.html",
        "/general/ja/admin.html",
    ]);
    assert!(diags.items().is_empty(), "{:?}", diags.items());
    for (i, inline) in out.iter().enumerate().skip(9) {
        assert_eq!(
            target(inline),
            &internal(if i == 12 { 2 } else { 1 }, None),
            "{i}"
        );
    }
    assert_eq!(target(&out[0]), &internal(1, Some("temp_10")));
    assert_eq!(target(&out[1]), &internal(1, None));
    assert_eq!(target(&out[2]), &internal(1, None));
    assert_eq!(target(&out[3]), &internal(0, Some("top_10")));
    assert_eq!(target(&out[4]), &internal(2, None));
    assert_eq!(target(&out[5]), &internal(2, None));
    assert_eq!(
        target(&out[6]),
        &LinkTarget::External("https://www.kintone.com/support/".into())
    );
    assert_eq!(
        target(&out[7]),
        &LinkTarget::External("mailto:x@example.com".into())
    );
    assert_eq!(target(&out[8]), &internal(1, None));
}

#[test]
fn out_of_book_page_goes_to_base_url_silently() {
    let (out, diags) = resolved(&["/general/ja/other/out.html#x"]);
    assert!(diags.items().is_empty());
    assert_eq!(
        target(&out[0]),
        &LinkTarget::External("https://help.example/general/ja/other/out.html#x".into())
    );
}

#[test]
fn other_products_on_the_same_host_go_to_base_url_silently() {
    let (out, diags) = resolved(&[
        "/k/ja/user/app.html",
        "/g/ja/schedule.html#x",
        "https://help.example/ja/settings/",
    ]);
    assert!(diags.items().is_empty(), "{:?}", diags.items());
    let urls: Vec<&LinkTarget> = out.iter().map(target).collect();
    assert_eq!(
        urls,
        vec![
            &LinkTarget::External("https://help.example/k/ja/user/app.html".into()),
            &LinkTarget::External("https://help.example/g/ja/schedule.html#x".into()),
            &LinkTarget::External("https://help.example/ja/settings/".into()),
        ]
    );
}

#[test]
fn broken_link_and_missing_anchor_warn() {
    let (out, diags) = resolved(&["/general/ja/nowhere.html", "admin_temp.html#nope"]);
    assert_eq!(
        target(&out[0]),
        &LinkTarget::External("https://help.example/general/ja/nowhere.html".into())
    );
    assert_eq!(target(&out[1]), &internal(1, None));
    let messages: Vec<_> = diags
        .items()
        .iter()
        .map(|d| (d.severity, d.message.clone()))
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].1.starts_with("broken link"));
    assert!(messages[1].1.contains("missing anchor `#nope`"));
    assert!(messages.iter().all(|(s, _)| *s == Severity::Warning));
}

#[test]
fn forbidden_schemes_become_text() {
    let (out, diags) = resolved(&[
        "javascript:alert(1)",
        "data:text/html,x",
        "file:///etc/passwd",
    ]);
    assert_eq!(out, vec![text("t"); 3]);
    assert_eq!(diags.items().len(), 3);
    assert!(diags.items()[0].message.contains("`javascript:`"));
}

#[test]
fn duplicate_anchor_is_a_warning_at_the_second() {
    let mut b = small_book(Vec::new());
    b.pages[1].blocks.push(heading(2, "temp_10", "temp_10"));
    let mut diags = Diagnostics::new();
    resolve(&mut b, &ctx(), &mut diags);
    assert_eq!(diags.items().len(), 1);
    assert_eq!(diags.items()[0].severity, Severity::Warning);
    assert!(
        diags.items()[0]
            .message
            .contains("duplicate anchor `temp_10`")
    );
}

#[test]
fn image_errors_are_reported_at_the_figure() {
    let mut b = small_book(Vec::new());
    let figure_span = span(10);
    b.pages[1].blocks.push(Block::Figure(Figure {
        image: ImageRef {
            src: "/../etc/passwd".into(),
            path: PathBuf::new(),
        },
        alt: String::new(),
        title: None,
        width: None,
        span: figure_span,
    }));
    let mut diags = Diagnostics::new();
    resolve(&mut b, &ctx(), &mut diags);
    assert_eq!(diags.items().len(), 1);
    assert_eq!(
        diags.items()[0].location,
        crate::diag::Location::Span(figure_span)
    );
    assert!(diags.items()[0].message.contains("escapes"));
}

#[test]
fn a_page_without_url_gets_the_published_one() {
    let mut b = small_book(vec![
        unresolved("admin_temp.html#temp_10"),
        unresolved("../admin/"),
    ]);
    b.pages[0].url.clear();
    let mut diags = Diagnostics::new();
    resolve(&mut b, &ctx(), &mut diags);
    let Block::Paragraph(p) = &b.pages[0].blocks[1] else {
        panic!("paragraph expected")
    };
    assert_eq!(
        target(&p.content[0]),
        &LinkTarget::Internal {
            page: PageId(1),
            anchor: Some("temp_10".into())
        }
    );
    assert_eq!(
        target(&p.content[1]),
        &LinkTarget::Internal {
            page: PageId(2),
            anchor: None
        }
    );
    assert!(diags.items().is_empty(), "{:?}", diags.items());
}

#[test]
fn a_thousand_pages_resolve_in_one_pass() {
    let mut b = small_book(Vec::new());
    b.pages.clear();
    let n = 1000;
    for i in 0..n {
        let next = (i + 1) % n;
        let anchor = format!("a{i}");
        let links = para(vec![
            unresolved(&format!("p{next}.html#a{next}")),
            unresolved(&format!("/general/ja/s/p{next}.html")),
            unresolved("#a0"),
        ]);
        b.pages.push(page(
            i,
            PageKind::Page,
            0,
            &format!("p{i}"),
            &format!("s/p{i}"),
            vec![heading(2, &anchor, &anchor), links],
        ));
    }
    let mut diags = Diagnostics::new();
    resolve(&mut b, &ctx(), &mut diags);
    // `#a0` exists only in page 0: every other page reports it once.
    assert_eq!(diags.items().len(), n - 1);
    for (i, p) in b.pages.iter().enumerate() {
        let Block::Paragraph(para) = &p.blocks[1] else {
            panic!("paragraph expected")
        };
        let next = (i + 1) % n;
        let want_anchor = format!("a{next}");
        assert_eq!(
            target(&para.content[0]),
            &internal(next, Some(want_anchor.as_str()))
        );
        assert_eq!(target(&para.content[1]), &internal(next, None));
    }
}
