//! Raw progenitor, as someone using it alone would run it on a document: parse, generate the
//! client with the builder interface, format. The corpus table compares every document's
//! outcome with ours, and the scale benchmark times the pipeline against it.

use serde_json::Value;

/// What raw progenitor does with a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RawOutcome {
    /// It produced a crate body: the formatted code.
    Generated(String),
    /// `openapiv3` could not read the document.
    Unreadable(String),
    /// progenitor refused it with an error.
    Refused(String),
    /// progenitor panicked.
    Panicked(String),
    /// The process running progenitor died (a stack overflow aborts it).
    Aborted(String),
}

impl RawOutcome {
    /// One line for the corpus table.
    pub fn summary(&self) -> String {
        let first = |s: &str| {
            s.lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(90)
                .collect::<String>()
        };
        match self {
            RawOutcome::Generated(_) => "generates".into(),
            RawOutcome::Unreadable(message) => format!("cannot read it: {}", first(message)),
            RawOutcome::Refused(message) => format!("refuses it: {}", first(message)),
            RawOutcome::Panicked(message) => format!("panics: {}", first(message)),
            RawOutcome::Aborted(message) => format!("aborts the process: {}", first(message)),
        }
    }
}

/// Raw progenitor's outcome on a document's text (parsed as raw progenitor's users parse it).
pub fn raw_outcome(file: &str, text: &str) -> RawOutcome {
    match parse(file, text) {
        Ok(document) => raw_progenitor(&document),
        Err(message) => RawOutcome::Unreadable(message),
    }
}

/// Reads a document as raw progenitor's users do: JSON with serde_json, YAML with serde_yaml.
pub fn parse(file: &str, text: &str) -> Result<Value, String> {
    if crate::load::syntax_of(file) == crate::locate::Syntax::Json {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else {
        serde_yaml::from_str(text).map_err(|e| e.to_string())
    }
}

/// Runs raw progenitor on a parsed document (on a large stack, its panics contained).
pub fn raw_progenitor(document: &Value) -> RawOutcome {
    match serde_json::from_value(document.clone()) {
        Ok(spec) => progenitor_alone(spec),
        Err(e) => RawOutcome::Unreadable(e.to_string()),
    }
}

/// Runs progenitor alone (builder interface, code formatted) on a document in its model.
pub fn progenitor_alone(spec: openapiv3::OpenAPI) -> RawOutcome {
    crate::engine::on_large_stack(move || {
        let generated = crate::engine::contained(move || {
            let mut settings = progenitor::GenerationSettings::new();
            settings
                .with_interface(progenitor::InterfaceStyle::Builder)
                .with_tag(progenitor::TagStyle::Merged);
            let tokens = progenitor::Generator::new(&settings).generate_tokens(&spec)?;
            let file: syn::File =
                syn::parse2(tokens).map_err(|e| progenitor::Error::InternalError(e.to_string()))?;
            Ok::<_, progenitor::Error>(prettyplease::unparse(&file))
        });
        match generated {
            Ok(Ok(code)) => RawOutcome::Generated(code),
            Ok(Err(error)) => RawOutcome::Refused(error.to_string()),
            Err(message) => RawOutcome::Panicked(message),
        }
    })
}
