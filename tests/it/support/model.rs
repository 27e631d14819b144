//! The model builder: the library's own `tebiki::model::testing` (one
//! builder for unit and integration tests alike; the `test-support` feature,
//! enabled by the crate's dev-dependency on itself, makes it visible here).

pub(crate) use tebiki::model::testing::*;
