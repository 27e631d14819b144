//! Site loading: the only input I/O of the pipeline.
//!
//! Input: a site folder (`tebiki.toml`, `content/`, `static/`). Output: a
//! `Site` with the validated configuration and every content file as a
//! source with its parsed front matter, in Hugo's order.
//!
//! (Implementation owned by the site/shortcode work.)
