//! The conversions of a forward-compatible string enum: generated crates declare the enum
//! (its listed values and `Unknown(String)`) and invoke [`open_enum!`](crate::open_enum) for
//! the rest, so the behaviour lives here, once, tested.

/// Implements `as_str`, `is_known`, `Display`, `FromStr`, `From<&str>`, `From<String>` and
/// serde for an enum whose unit variants stand for the listed string values and whose
/// `Unknown(String)` keeps any other value exactly as it came.
///
/// ```
/// #[derive(Clone, Debug, PartialEq)]
/// pub enum State {
///     Running,
///     Unknown(String),
/// }
/// storage_jobs_runtime::open_enum!(State { Running => "running" });
///
/// assert_eq!(State::from("running"), State::Running);
/// assert_eq!(State::from("paused").as_str(), "paused");
/// assert!(!State::from("paused").is_known());
/// ```
#[macro_export]
macro_rules! open_enum {
    ($name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        impl $name {
            /// The value as the server spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// Whether the spec lists this value.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($text => Self::$variant,)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl $crate::serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: $crate::serde::de::Error>(
                        self,
                        value: &str,
                    ) -> ::std::result::Result<$name, E> {
                        Ok($name::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[derive(Clone, Debug, PartialEq)]
    enum State {
        Queued,
        UnknownValue,
        Unknown(String),
    }
    crate::open_enum!(State { Queued => "queued", UnknownValue => "Unknown" });

    #[test]
    fn unlisted_values_round_trip_and_listed_ones_decode() {
        let decoded: Vec<State> =
            serde_json::from_str(r#"["queued", "Unknown", "paused"]"#).unwrap();
        assert_eq!(
            decoded,
            [
                State::Queued,
                State::UnknownValue,
                State::Unknown("paused".into())
            ]
        );
        assert_eq!(
            serde_json::to_string(&decoded).unwrap(),
            r#"["queued","Unknown","paused"]"#
        );
        assert_eq!(State::from("Unknown").to_string(), "Unknown");
        assert!(State::UnknownValue.is_known() && !decoded[2].is_known());
        assert!(serde_json::from_str::<State>("3").is_err());
    }
}
