//! The one recursive walk: follows the schema tables, keeps the JSON Pointer
//! as a stack of segments (a string is only built for a diagnostic), checks
//! each field's kind and flags, `oneof` groups and required fields, and calls
//! the cross-field rules of `rules.rs` before and after each object.

use serde_json::{Map, Value};

use super::schema::{
    self, ADDON_ONLY, CARDS_V1, DEPRECATED, Enum, Field, KNOWN_ICONS, Kind, NOT_IN_DIALOG,
    OUTPUT_ONLY, REQUIRED, Ty, TypeDef,
};
use super::text::{self, as_float, as_int, did_you_mean, type_name, url_scheme};
use super::{Diagnostic, Surface, severity_of};

/// How many objects deep the walk goes before it stops.
pub(super) const MAX_DEPTH: u16 = 64;

/// One step of a JSON Pointer.
#[derive(Clone, Copy)]
pub(super) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// What the walk knows about where it is.
#[derive(Clone, Copy)]
pub(super) struct Ctx {
    /// Where the cards being walked are shown.
    pub surface: Surface,
    pub depth: u16,
    /// Inside a `cardsV2` entry: whether it has a `cardId`.
    pub card_has_id: Option<bool>,
    /// Inside a message already measured and within the size limit.
    pub within_measured_message: bool,
}

/// Per card (the form): widgets counted, input names seen, names referenced.
#[derive(Default)]
pub(super) struct Frame<'a> {
    pub widgets: usize,
    pub names: Vec<&'a str>,
    pub refs: Vec<(&'a str, Vec<u32>, String)>,
}

/// An object being walked.
#[derive(Clone, Copy)]
pub(super) struct Obj<'a> {
    pub ty: Ty,
    pub def: &'static TypeDef,
    pub map: &'a Map<String, Value>,
    /// Where this object's field slots start in `Walker::slots`.
    base: usize,
}

/// The walk's state.
pub(super) struct Walker<'a> {
    segs: Vec<(Seg<'a>, u32)>,
    /// One slot per schema field of each object on the stack: its value.
    slots: Vec<Option<&'a Value>>,
    pub frames: Vec<Frame<'a>>,
    out: Vec<(Vec<u32>, Diagnostic)>,
}

fn position(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The field `key` names in `def`, and whether it was spelt in snake_case.
pub(super) fn resolve(def: &TypeDef, key: &str) -> Option<(usize, bool)> {
    if let Some(i) = def.fields.iter().position(|f| text::same(f.name, key)) {
        return Some((i, false));
    }
    if key.contains('_') {
        if let Some(i) = def
            .fields
            .iter()
            .position(|f| text::is_snake_of(key, f.name))
        {
            return Some((i, true));
        }
    }
    None
}

/// `name` in `map`, under its camelCase or snake_case spelling.
pub(super) fn lookup<'v>(map: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    map.get(name)
        .or_else(|| {
            map.iter()
                .find(|(k, _)| text::is_snake_of(k, name))
                .map(|(_, v)| v)
        })
        .filter(|v| !v.is_null())
}

/// The name of an enum value given by name, qualified name or number.
pub(super) fn enum_name(en: &'static Enum, v: &Value) -> Option<&'static str> {
    let i = match v {
        Value::String(s) => en.index_of(s).or_else(|| {
            let (_, last) = s.rsplit_once('.')?;
            en.index_of(last)
        })?,
        _ => usize::try_from(as_int(v)?).ok()?,
    };
    en.values.get(i).copied().filter(|n| !n.is_empty())
}

fn pointer(segs: &[(Seg<'_>, u32)]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for (seg, _) in segs {
        out.push('/');
        match seg {
            Seg::Key(k) => {
                for c in k.chars() {
                    match c {
                        '~' => out.push_str("~0"),
                        '/' => out.push_str("~1"),
                        c => out.push(c),
                    }
                }
            }
            Seg::Index(i) => {
                let _ = write!(out, "{i}");
            }
        }
    }
    out
}

impl<'a> Walker<'a> {
    pub(super) fn new() -> Self {
        Walker {
            segs: Vec::with_capacity(32),
            slots: Vec::with_capacity(256),
            frames: vec![Frame::default()],
            out: Vec::new(),
        }
    }

    /// The diagnostics in document order.
    pub(super) fn finish(mut self) -> Vec<Diagnostic> {
        while !self.frames.is_empty() {
            self.pop_frame();
        }
        self.out.sort_by(|a, b| a.0.cmp(&b.0));
        self.out.into_iter().map(|(_, d)| d).collect()
    }

    pub(super) fn push(&mut self, seg: Seg<'a>, pos: usize) {
        self.segs.push((seg, position(pos)));
    }

    pub(super) fn pop(&mut self) {
        self.segs.pop();
    }

    /// Emits a diagnostic at the current path.
    pub(super) fn emit(&mut self, code: &'static str, message: String) {
        let positions = self.segs.iter().map(|s| s.1).collect();
        let path = pointer(&self.segs);
        self.emit_raw(positions, path, code, message);
    }

    pub(super) fn emit_raw(
        &mut self,
        positions: Vec<u32>,
        path: String,
        code: &'static str,
        message: String,
    ) {
        self.out.push((
            positions,
            Diagnostic {
                severity: severity_of(code),
                code,
                path,
                message,
            },
        ));
    }

    /// The current path and positions, for a diagnostic emitted later.
    pub(super) fn here(&self) -> (Vec<u32>, String) {
        (self.segs.iter().map(|s| s.1).collect(), pointer(&self.segs))
    }

    /// The value of field `name` of `o` (not null), as walked.
    pub(super) fn get(&self, o: &Obj<'a>, name: &str) -> Option<&'a Value> {
        let i = o.def.fields.iter().position(|f| text::same(f.name, name))?;
        self.slots.get(o.base + i).copied().flatten()
    }

    /// Runs `f` with the path extended to field `name` of `o` (if present).
    pub(super) fn at_field(
        &mut self,
        o: &Obj<'a>,
        name: &str,
        f: impl FnOnce(&mut Self, &'a Value),
    ) {
        let found = o
            .map
            .iter()
            .enumerate()
            .find(|(_, (k, v))| (*k == name || text::is_snake_of(k, name)) && !v.is_null());
        if let Some((pos, (key, value))) = found {
            self.push(Seg::Key(key), pos);
            f(self, value);
            self.pop();
        }
    }

    /// Emits at field `name` of `o`.
    pub(super) fn emit_field(&mut self, o: &Obj<'a>, name: &str, code: &'static str, msg: String) {
        let mut msg = Some(msg);
        self.at_field(o, name, |w, _| {
            if let Some(m) = msg.take() {
                w.emit(code, m);
            }
        });
        if let Some(m) = msg {
            self.emit(code, m);
        }
    }

    pub(super) fn frame(&mut self) -> Option<&mut Frame<'a>> {
        self.frames.last_mut()
    }

    /// Closes a card's frame: reports names referenced but never defined.
    pub(super) fn pop_frame(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        for (name, positions, path) in frame.refs {
            if !frame.names.contains(&name) {
                self.emit_raw(
                    positions,
                    path,
                    "unknown_widget_reference",
                    format!(
                        "`requiredWidgets` names `{name}`, but no input in this card has that name: \
                         use the `name` of a textInput, selectionInput, dateTimePicker or switchControl \
                         of the same card"
                    ),
                );
            }
        }
    }

    fn wrong_type(&mut self, owner: Ty, field: &Field, expected: &str, v: &Value) {
        self.emit(
            "wrong_type",
            format!(
                "`{}` of {} must be {expected}, not {}",
                field.name,
                schema::def(owner).name,
                type_name(v)
            ),
        );
    }

    /// Walks an object of type `ty`.
    pub(super) fn walk_object(&mut self, ty: Ty, map: &'a Map<String, Value>, mut ctx: Ctx) {
        let def = schema::def(ty);
        if ctx.depth >= MAX_DEPTH {
            self.emit(
                "nesting_too_deep",
                format!(
                    "this {} is nested more than {MAX_DEPTH} objects deep; gchat stops checking here \
                     (Chat documents no depth limit, but no real card needs this: flatten it)",
                    def.name
                ),
            );
            return;
        }
        ctx.depth += 1;
        let base = self.slots.len();
        self.slots.resize(base + def.fields.len(), None);
        let o = Obj { ty, def, map, base };
        self.pre(&o, &mut ctx);
        let mut misplaced_widget = false;
        for (pos, (key, v)) in map.iter().enumerate() {
            self.push(Seg::Key(key), pos);
            match resolve(def, key) {
                Some((i, snake)) => {
                    if let Some(field) = def.fields.get(i) {
                        self.known_field(&o, i, field, key, snake, v, ctx);
                    }
                }
                None => {
                    if schema::is_widget_holder(ty)
                        && resolve(schema::def(Ty::Widget), key).is_some_and(|(i, _)| {
                            schema::def(Ty::Widget)
                                .fields
                                .get(i)
                                .is_some_and(|f| f.group == 1)
                        })
                    {
                        misplaced_widget = true;
                        let allowed = kind_list(def, 1);
                        self.emit(
                            "widget_not_allowed_here",
                            format!(
                                "`{key}` can't go in {}: only {allowed} can; use one of those, \
                                 or move it to a widget of its own in a card section",
                                def.name
                            ),
                        );
                    } else if !def.open {
                        self.unknown_field(ty, def, key);
                    }
                }
            }
            self.pop();
        }
        self.check_groups(&o, misplaced_widget);
        for (i, field) in def.fields.iter().enumerate() {
            if field.flags & REQUIRED != 0 {
                let v = self.slots.get(base + i).copied().flatten();
                if v.is_none_or(|v| v.as_str() == Some("")) {
                    self.emit(
                        "missing_required_field",
                        format!(
                            "{} needs `{}`: add it (the field is required)",
                            def.name, field.name
                        ),
                    );
                }
            }
        }
        self.post(&o, ctx);
        self.slots.truncate(base);
    }

    #[allow(clippy::too_many_arguments)]
    fn known_field(
        &mut self,
        o: &Obj<'a>,
        i: usize,
        field: &'static Field,
        key: &str,
        snake: bool,
        v: &'a Value,
        ctx: Ctx,
    ) {
        if snake {
            self.emit(
                "snake_case_field",
                format!(
                    "`{key}` is the proto spelling: write `{}` (camelCase), the proto3 JSON name \
                     (Chat has accepted snake_case in responses, but the docs use camelCase)",
                    field.name
                ),
            );
        }
        if let Some(slot) = self.slots.get_mut(o.base + i) {
            if slot.is_some() {
                self.emit(
                    "duplicate_field",
                    format!(
                        "`{}` is set under both spellings, `{}` and `{}`: keep one; \
                         which one Chat reads is not documented",
                        field.name,
                        field.name,
                        text::to_snake(field.name)
                    ),
                );
                return;
            }
            if !v.is_null() {
                *slot = Some(v);
            }
        }
        if v.is_null() {
            return;
        }
        self.walk_field(o.ty, field, v, ctx);
    }

    fn walk_field(&mut self, owner: Ty, field: &'static Field, v: &'a Value, ctx: Ctx) {
        let flags = field.flags;
        if flags & CARDS_V1 != 0 {
            if field.repeated && !v.is_array() {
                self.wrong_type(owner, field, "an array", v);
            }
            self.emit(
                "deprecated_cards_v1",
                "`cards` (cards v1) is deprecated: use `cardsV2` (`[{\"cardId\": \"...\", \"card\": {...}}]`); \
                 gchat does not check v1 cards"
                    .to_owned(),
            );
            return;
        }
        if flags & OUTPUT_ONLY != 0 {
            self.emit(
                "output_only_field",
                format!(
                    "`{}` is set by Chat (output only) and ignored when an app sends it: remove it",
                    field.name
                ),
            );
            return;
        }
        if flags & DEPRECATED != 0 {
            self.emit(
                "deprecated_field",
                format!("`{}` is deprecated: {}", field.name, field.note),
            );
        }
        if flags & ADDON_ONLY != 0 && ctx.surface != Surface::Addon {
            self.emit(
                "addon_only",
                format!(
                    "`{}` is documented for Google Workspace add-ons only, not for Chat {}s: remove it \
                     (whether Chat ignores or rejects it is not documented)",
                    field.name,
                    ctx.surface.as_str()
                ),
            );
        }
        if flags & NOT_IN_DIALOG != 0 && ctx.surface == Surface::Dialog {
            self.emit(
                "unsupported_in_dialog",
                format!(
                    "the `Dialog` proto comment says dialog bodies don't support `{}` \
                     (that comment may be outdated: test it in a dialog)",
                    field.name
                ),
            );
        }
        if field.repeated {
            let Value::Array(items) = v else {
                self.wrong_type(owner, field, "an array", v);
                return;
            };
            for (i, item) in items.iter().enumerate() {
                self.push(Seg::Index(i), i);
                if item.is_null() {
                    self.wrong_type(owner, field, "an array without nulls", item);
                } else {
                    self.walk_kind(owner, field, item, ctx);
                }
                self.pop();
            }
        } else {
            self.walk_kind(owner, field, v, ctx);
        }
    }

    fn walk_kind(&mut self, owner: Ty, field: &'static Field, v: &'a Value, ctx: Ctx) {
        match field.kind {
            Kind::Str => {
                if !v.is_string() {
                    self.wrong_type(owner, field, "a string", v);
                }
            }
            Kind::Bool => match v {
                Value::Bool(_) => {}
                Value::String(s) if s == "true" || s == "false" => self.emit(
                    "non_canonical_value",
                    format!(
                        "`{}` is the string \"{s}\": write the JSON boolean {s}",
                        field.name
                    ),
                ),
                _ => self.wrong_type(owner, field, "a boolean", v),
            },
            Kind::Int32 | Kind::Int64 => match as_int(v) {
                None => self.wrong_type(owner, field, "an integer", v),
                Some(n) if matches!(field.kind, Kind::Int32) && i32::try_from(n).is_err() => self
                    .emit(
                        "value_out_of_range",
                        format!("`{}` is an int32: {n} does not fit", field.name),
                    ),
                Some(_) => {}
            },
            Kind::Float => {
                if as_float(v).is_none() {
                    self.wrong_type(owner, field, "a number", v);
                }
            }
            Kind::Enum(en) => self.check_enum(owner, field, en, v),
            Kind::Obj(ty) => match v {
                Value::Object(map) => self.walk_object(ty, map, ctx),
                _ => self.wrong_type(owner, field, "an object", v),
            },
            Kind::ImageUrl | Kind::LinkUrl => match v {
                Value::String(s) => self.check_url(field, s, matches!(field.kind, Kind::ImageUrl)),
                _ => self.wrong_type(owner, field, "a string (a URL)", v),
            },
            Kind::KnownIcon => match v {
                Value::String(s) => {
                    if !KNOWN_ICONS.contains(&s.as_str()) {
                        let hint = did_you_mean(s, KNOWN_ICONS.iter().copied())
                            .map(|m| format!("did you mean `{m}`? "))
                            .unwrap_or_default();
                        self.emit(
                            "unknown_icon",
                            format!(
                                "`{s}` is not one of the built-in icons Chat documents: {hint}\
                                 use a documented `knownIcon`, or `materialIcon` / `iconUrl`"
                            ),
                        );
                    }
                }
                _ => self.wrong_type(owner, field, "a string", v),
            },
            Kind::EndNavigation => match v {
                Value::String(s) => {
                    self.emit(
                        "non_canonical_value",
                        format!(
                            "`endNavigation` is the bare string \"{s}\": Google's samples use it, but the \
                             documented form is an object: `{{\"action\": \"{s}\"}}` (whether Chat \
                             accepts the string everywhere is not documented)"
                        ),
                    );
                    self.check_enum(owner, field, &schema::END_NAVIGATION_ACTION, v);
                }
                Value::Object(map) => self.walk_object(Ty::EndNavigation, map, ctx),
                _ => self.wrong_type(owner, field, "an object", v),
            },
            Kind::Any => {}
        }
    }

    fn check_enum(&mut self, owner: Ty, field: &Field, en: &'static Enum, v: &Value) {
        let values = || en.values.iter().copied().filter(|v| !v.is_empty());
        match v {
            Value::String(s) => {
                if en.index_of(s).is_some() {
                    if let Some((_, instead)) = en.deprecated.iter().find(|(d, _)| *d == s) {
                        self.emit(
                            "deprecated_enum_value",
                            format!("`{s}` is deprecated: use `{instead}`"),
                        );
                    }
                    return;
                }
                if let Some((prefix, last)) = s.rsplit_once('.') {
                    if en.index_of(last).is_some() {
                        self.emit(
                            "qualified_enum_value",
                            format!(
                                "write `{last}`, not `{prefix}.{last}` (that is Apps Script notation; \
                                 whether Chat accepts it in JSON is not documented)"
                            ),
                        );
                        return;
                    }
                }
                let hint = did_you_mean(s, values())
                    .map(|m| format!("did you mean `{m}`? "))
                    .unwrap_or_default();
                let list = values().collect::<Vec<_>>().join(", ");
                self.emit(
                    "invalid_enum_value",
                    format!(
                        "`{s}` is not a value of {} (`{}` of {}): {hint}use one of {list}",
                        en.name,
                        field.name,
                        schema::def(owner).name
                    ),
                );
            }
            Value::Number(_) => {
                if enum_name(en, v).is_none() {
                    let list = values().collect::<Vec<_>>().join(", ");
                    self.emit(
                        "invalid_enum_value",
                        format!(
                            "{v} is not a number of {}: use a value name, one of {list}",
                            en.name
                        ),
                    );
                }
            }
            _ => self.wrong_type(owner, field, "an enum value name (a string)", v),
        }
    }

    fn check_url(&mut self, field: &Field, url: &str, image: bool) {
        if url.is_empty() {
            return;
        }
        match url_scheme(url) {
            None => self.emit(
                "url_not_absolute",
                format!(
                    "`{}` is not an absolute URL (\"{}\"): use a full `https://` URL \
                     (if this is a template placeholder, fill it in before sending)",
                    field.name,
                    truncate(url, 60)
                ),
            ),
            Some(s) if s.eq_ignore_ascii_case("https") => {}
            Some(s) if image => self.emit(
                "image_not_https",
                format!(
                    "`{}` uses `{s}:`: images must be served over HTTPS; use an `https://` URL",
                    field.name
                ),
            ),
            Some(s) => self.emit(
                "link_not_https",
                format!(
                    "`{}` uses `{s}:`: use an `https://` link (Chat's docs only show HTTPS links; \
                     whether other schemes open is not documented)",
                    field.name
                ),
            ),
        }
    }

    fn unknown_field(&mut self, ty: Ty, def: &TypeDef, key: &str) {
        let hint = if let Some(h) = schema::misplaced(ty, key) {
            h.to_owned()
        } else if let Some(m) = did_you_mean(key, def.fields.iter().map(|f| f.name)) {
            format!("did you mean `{m}`?")
        } else {
            let names: Vec<&str> = def.fields.iter().map(|f| f.name).collect();
            if names.is_empty() {
                format!("{} has no fields", def.name)
            } else {
                format!("known fields: {}", names.join(", "))
            }
        };
        self.emit(
            "unknown_field",
            format!("{} has no field `{key}`: {hint}", def.name),
        );
    }

    fn check_groups(&mut self, o: &Obj<'a>, misplaced_widget: bool) {
        for (gi, group) in o.def.groups.iter().enumerate() {
            let id = u8::try_from(gi + 1).unwrap_or(u8::MAX);
            let is_set = |(i, f): &(usize, &Field)| {
                f.group == id && self.slots.get(o.base + i).copied().flatten().is_some()
            };
            let count = o.def.fields.iter().enumerate().filter(is_set).count();
            if count > 1 {
                let list = o
                    .def
                    .fields
                    .iter()
                    .enumerate()
                    .filter(is_set)
                    .map(|(_, f)| format!("`{}`", f.name))
                    .collect::<Vec<_>>()
                    .join(", ");
                let fix = if schema::is_widget_holder(o.ty) {
                    "put each in its own widget"
                } else {
                    "keep exactly one"
                };
                self.emit(
                    group.conflict,
                    format!(
                        "{} takes one {} but this one sets {list}: {fix}",
                        o.def.name, group.name
                    ),
                );
            } else if count == 0 && group.required && !misplaced_widget {
                self.emit(
                    group.empty,
                    format!(
                        "this {} sets no {}: add one of {}",
                        o.def.name,
                        group.name,
                        kind_list(o.def, id)
                    ),
                );
            }
        }
    }
}

/// "`a`, `b` or `c`": the members of group `id`.
fn kind_list(def: &TypeDef, id: u8) -> String {
    let names: Vec<String> = def
        .fields
        .iter()
        .filter(|f| f.group == id)
        .map(|f| format!("`{}`", f.name))
        .collect();
    names.join(", ")
}

pub(super) fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or(s)),
        None => s.to_owned(),
    }
}
