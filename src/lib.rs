//! tebiki (手引き): turns a Japanese Hugo help site into print-quality PDF and
//! valid EPUB 3 handbooks, one per region.
//!
//! One pipeline, one module per step; data moves one way:
//!
//! 1. [`site`]: reads `tebiki.toml` and the content tree → `Site`.
//! 2. [`shortcode`]: resolves shortcodes and region conditionals for one
//!    region → `ResolvedPage` (Markdown text + source map + shortcode calls).
//! 3. [`markdown`]: Markdown and raw HTML → [`model`] blocks and inlines.
//! 4. [`links`]: resolves links, anchors and image paths in the [`model::Book`].
//! 5. Renderers that consume only the model: [`layout`] + [`pdf`] (paged),
//!    [`epub`] (reflowable), with [`assets`] (fonts, layouts, images).
//!
//! [`driver`] runs the pipeline for every region and format; [`cli`] parses
//! the command line; [`init`] writes new sites and layout files for
//! `tebiki init` and `tebiki layouts export`. [`diag`] carries problems with
//! their source positions.

pub mod assets;
pub mod cli;
pub mod diag;
pub mod driver;
pub mod epub;
pub mod init;
pub mod layout;
pub(crate) mod links;
pub mod markdown;
pub mod model;
pub mod pdf;
pub mod serve;
pub mod shortcode;
pub mod site;
pub mod watch;
