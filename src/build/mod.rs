//! The pipeline runner: site → regions → model → renderers → atomic writes.
//!
//! (Implementation owned by the site/shortcode work.)
