//! Messages and Cards v2: the model, builders, text markup, a linter that
//! explains, and an HTML preview.

mod build;
pub mod lint;
pub mod model;
#[cfg(feature = "render")]
pub mod render;
mod shape;
pub mod text;

pub use shape::{Shape, WIDGET_KINDS, shape};
