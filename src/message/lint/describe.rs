//! The linter's schema as data, for tools that edit messages and cards
//! (the card designer's property panel builds its controls from it).

use serde::Serialize;

use super::schema::{self, ADDON_ONLY, DEPRECATED, Kind, NOT_IN_DIALOG, OUTPUT_ONLY, REQUIRED, Ty};

/// The types the linter knows, their fields and the built-in icons.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify), tsify(rename = "CardSchema"))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Schema {
    /// Every object type, keyed by the name fields use in [`FieldInfo::ty`].
    pub types: Vec<TypeInfo>,
    /// The built-in icons `Icon.knownIcon` takes.
    pub known_icons: &'static [&'static str],
    /// Keys that make an object a message (see [`crate::message::shape`]).
    pub message_keys: &'static [&'static str],
    /// Keys that make an object a card (or `name`, checked after the message keys).
    pub card_keys: &'static [&'static str],
}

/// One object type.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TypeInfo {
    /// The key other types refer to it by (`Button`, `OnClick`, ...).
    pub id: String,
    /// The name the proto gives it (`google.type.Color`, `Column.Widgets`).
    pub name: &'static str,
    /// Its fields, in the proto's order.
    pub fields: Vec<FieldInfo>,
    /// Its `oneof` groups.
    pub oneofs: Vec<OneofInfo>,
    /// The linter does not report unknown fields of this type.
    pub open: bool,
}

/// One field.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FieldInfo {
    /// The proto3 JSON name.
    pub name: &'static str,
    /// What it holds: `string`, `bool`, `int32`, `int64`, `float`, `enum`,
    /// `object`, `imageUrl`, `linkUrl`, `knownIcon`, `endNavigation` or `any`.
    pub kind: &'static str,
    /// For `object` fields, the [`TypeInfo::id`] of the type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// For `enum` fields, the values (deprecated ones included).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub values: Vec<&'static str>,
    /// For `enum` fields, the deprecated values.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    #[cfg_attr(feature = "ts", tsify(optional))]
    pub deprecated_values: Vec<&'static str>,
    /// A list.
    pub repeated: bool,
    /// Must be set.
    pub required: bool,
    /// What replaces it, when deprecated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<&'static str>,
    /// Documented for Workspace add-ons only.
    pub addon_only: bool,
    /// Set by Chat, ignored when sent.
    pub output_only: bool,
    /// The `Dialog` proto says dialogs do not support it.
    pub not_in_dialog: bool,
    /// The index in [`TypeInfo::oneofs`] of its `oneof`, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oneof: Option<usize>,
}

/// A `oneof`: at most one of its fields may be set.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OneofInfo {
    /// What it chooses (`widget kind`, `onClick variant`, ...).
    pub name: &'static str,
    /// One member must be set.
    pub required: bool,
}

fn id(ty: Ty) -> String {
    format!("{ty:?}")
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Str => "string",
        Kind::Bool => "bool",
        Kind::Int32 => "int32",
        Kind::Int64 => "int64",
        Kind::Float => "float",
        Kind::Enum(_) => "enum",
        Kind::Obj(_) => "object",
        Kind::ImageUrl => "imageUrl",
        Kind::LinkUrl => "linkUrl",
        Kind::KnownIcon => "knownIcon",
        Kind::EndNavigation => "endNavigation",
        Kind::Any => "any",
    }
}

/// The schema the linter checks against, as data.
///
/// ```
/// let schema = gchat::message::lint::schema();
/// let button = schema.types.iter().find(|t| t.id == "Button").ok_or("no Button")?;
/// let kind = button.fields.iter().find(|f| f.name == "type").ok_or("no type")?;
/// assert_eq!(kind.kind, "enum");
/// assert!(kind.values.contains(&"FILLED"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn schema() -> Schema {
    let types = schema::ALL
        .iter()
        .map(|&ty| {
            let def = schema::def(ty);
            let fields = def
                .fields
                .iter()
                .map(|f| {
                    let (values, deprecated_values) = match f.kind {
                        Kind::Enum(e) => (
                            e.values.iter().copied().filter(|v| !v.is_empty()).collect(),
                            e.deprecated.iter().map(|(v, _)| *v).collect(),
                        ),
                        _ => (Vec::new(), Vec::new()),
                    };
                    FieldInfo {
                        name: f.name,
                        kind: kind_name(f.kind),
                        ty: match f.kind {
                            Kind::Obj(t) => Some(id(t)),
                            _ => None,
                        },
                        values,
                        deprecated_values,
                        repeated: f.repeated,
                        required: f.flags & REQUIRED != 0,
                        deprecated: (f.flags & DEPRECATED != 0).then_some(f.note),
                        addon_only: f.flags & ADDON_ONLY != 0,
                        output_only: f.flags & OUTPUT_ONLY != 0,
                        not_in_dialog: f.flags & NOT_IN_DIALOG != 0,
                        oneof: (f.group > 0).then(|| usize::from(f.group) - 1),
                    }
                })
                .collect();
            TypeInfo {
                id: id(ty),
                name: def.name,
                fields,
                oneofs: def
                    .groups
                    .iter()
                    .map(|g| OneofInfo {
                        name: g.name,
                        required: g.required,
                    })
                    .collect(),
                open: def.open,
            }
        })
        .collect();
    Schema {
        types,
        known_icons: schema::KNOWN_ICONS,
        message_keys: crate::message::shape::MESSAGE_KEYS,
        card_keys: crate::message::shape::CARD_KEYS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_object_field_names_a_listed_type() {
        let s = schema();
        for t in &s.types {
            for f in &t.fields {
                if let Some(ty) = &f.ty {
                    assert!(s.types.iter().any(|u| &u.id == ty), "{}.{}", t.id, f.name);
                }
                if let Some(i) = f.oneof {
                    assert!(i < t.oneofs.len());
                }
            }
        }
        let widget = s.types.iter().find(|t| t.id == "Widget").unwrap();
        assert_eq!(widget.oneofs[0].name, "widget kind");
        assert_eq!(
            widget.fields.iter().filter(|f| f.oneof == Some(0)).count(),
            crate::message::WIDGET_KINDS.len()
        );
    }
}
