//! Messages and Cards v2: the model, builders, text markup, a linter that
//! explains, and an HTML preview.

pub mod lint;
pub mod render;
mod shape;

pub use shape::{Shape, shape};
