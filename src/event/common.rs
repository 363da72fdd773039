//! `CommonEventObject`: the client facts and form inputs every interaction carries.

use indexmap::IndexMap;
use serde::Serialize;

use crate::wire::{Extra, Int32, Int64, deserialize_struct, lenient_bool, open_enum};

/// What the client sent with an interaction (`common` in classic events,
/// `commonEventObject` in add-on events).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CommonEventObject {
    /// The user's language, such as `en` or `ko-KR`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_locale: Option<String>,
    /// The Workspace application (`CHAT` for Chat apps).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_app: Option<HostApp>,
    /// The client platform.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// The user's time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<TimeZone>,
    /// Values of the card's input widgets, by widget name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, Inputs>"))]
    pub form_inputs: Option<IndexMap<String, Inputs>>,
    /// The clicked action's parameters (and `autocomplete_widget_query`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", tsify(type = "Record<string, string>"))]
    pub parameters: Option<IndexMap<String, String>>,
    /// The clicked action's `function`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoked_function: Option<String>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(CommonEventObject {
    fields: [
        user_locale,
        host_app,
        platform,
        time_zone,
        form_inputs,
        parameters,
        invoked_function
    ],
});

open_enum! {
    /// `CommonEventObject.hostApp`.
    pub enum HostApp {
        /// Unspecified.
        Unspecified = "UNSPECIFIED_HOST_APP",
        /// Gmail.
        Gmail = "GMAIL",
        /// Calendar.
        Calendar = "CALENDAR",
        /// Drive.
        Drive = "DRIVE",
        /// Demo.
        Demo = "DEMO",
        /// Docs.
        Docs = "DOCS",
        /// Meet.
        Meet = "MEET",
        /// Sheets.
        Sheets = "SHEETS",
        /// Slides.
        Slides = "SLIDES",
        /// Drawings.
        Drawings = "DRAWINGS",
        /// Chat.
        Chat = "CHAT",
    }
}

open_enum! {
    /// `CommonEventObject.platform`.
    pub enum Platform {
        /// Unknown.
        Unknown = "UNKNOWN_PLATFORM",
        /// A web browser.
        Web = "WEB",
        /// iOS.
        Ios = "IOS",
        /// Android.
        Android = "ANDROID",
    }
}

/// `CommonEventObject.timeZone`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TimeZone {
    /// IANA time zone id, such as `America/New_York`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Offset from UTC in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<Int32>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(TimeZone {
    fields: [id, offset],
});

/// The value of one input widget, as sent (`Inputs`). Use [`Inputs::value`] for a typed view.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Inputs {
    /// Text inputs, selections, switches: every selected value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_inputs: Option<StringInputs>,
    /// A date-and-time picker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_time_input: Option<DateTimeInput>,
    /// A date-only picker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_input: Option<DateInput>,
    /// A time-only picker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_input: Option<TimeInput>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(Inputs {
    fields: [string_inputs, date_time_input, date_input, time_input],
});

/// `Inputs.stringInputs`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StringInputs {
    /// The values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Vec<String>>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(StringInputs { fields: [value] });

/// `Inputs.dateTimeInput`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DateTimeInput {
    /// Milliseconds since the Unix epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ms_since_epoch: Option<Int64>,
    /// Whether a date was picked.
    #[serde(
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub has_date: Option<bool>,
    /// Whether a time was picked.
    #[serde(
        default,
        with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub has_time: Option<bool>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(DateTimeInput {
    lenient: [has_date, has_time],
    fields: [ms_since_epoch],
});

/// `Inputs.dateInput`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DateInput {
    /// Milliseconds since the Unix epoch (midnight UTC of the date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ms_since_epoch: Option<Int64>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(DateInput {
    fields: [ms_since_epoch],
});

/// `Inputs.timeInput`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TimeInput {
    /// Hour, 0 to 23.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<Int32>,
    /// Minute, 0 to 59.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes: Option<Int32>,
    /// Fields gchat does not model.
    #[serde(flatten)]
    pub extra: Extra,
}

deserialize_struct!(TimeInput {
    fields: [hours, minutes],
});

/// A typed form input value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(tsify::Tsify))]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "type"
)]
#[non_exhaustive]
pub enum FormValue<'a> {
    /// Text or selected values.
    Strings {
        /// The values.
        values: &'a [String],
    },
    /// A date and/or time.
    DateTime {
        /// Milliseconds since the Unix epoch.
        ms_since_epoch: i64,
        /// Whether a date was picked.
        has_date: bool,
        /// Whether a time was picked.
        has_time: bool,
    },
    /// A date (midnight UTC).
    Date {
        /// Milliseconds since the Unix epoch.
        ms_since_epoch: i64,
    },
    /// A time of day.
    Time {
        /// Hour.
        hours: i32,
        /// Minute.
        minutes: i32,
    },
    /// An input with none of the known value kinds.
    Empty,
}

impl Inputs {
    /// The value as one typed enum.
    pub fn value(&self) -> FormValue<'_> {
        if let Some(s) = &self.string_inputs {
            return FormValue::Strings {
                values: s.value.as_deref().unwrap_or_default(),
            };
        }
        if let Some(dt) = &self.date_time_input {
            return FormValue::DateTime {
                ms_since_epoch: dt.ms_since_epoch.map_or(0, Int64::get),
                has_date: dt.has_date.unwrap_or(false),
                has_time: dt.has_time.unwrap_or(false),
            };
        }
        if let Some(d) = &self.date_input {
            return FormValue::Date {
                ms_since_epoch: d.ms_since_epoch.map_or(0, Int64::get),
            };
        }
        if let Some(t) = &self.time_input {
            return FormValue::Time {
                hours: t.hours.map_or(0, Int32::get),
                minutes: t.minutes.map_or(0, Int32::get),
            };
        }
        FormValue::Empty
    }

    /// The first string value, for single-valued text inputs and selections.
    pub fn first_string(&self) -> Option<&str> {
        self.string_inputs
            .as_ref()?
            .value
            .as_ref()?
            .first()
            .map(String::as_str)
    }
}
