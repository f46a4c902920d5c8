//! Records written by hand the way the generator writes them, read from odd answers.

use serde_json::json;

use crate::Unread;

#[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
#[serde(try_from = "wire::Page")]
struct Page {
    records: Vec<Job>,
    #[serde(skip_serializing_if = "Option::is_none")]
    num_records: Option<i64>,
    #[serde(flatten)]
    unread: Unread,
}

#[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
#[serde(try_from = "wire::Job")]
struct Job {
    uuid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    node: Option<Node>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(flatten)]
    unread: Unread,
}

#[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
#[serde(try_from = "wire::Node")]
struct Node {
    name: String,
    #[serde(flatten)]
    unread: Unread,
}

mod wire {
    use crate::serde_util::{Items, Part, Read, Record, Unbuilt, Unlisted, readable};

    use crate::Unread;

    #[derive(serde::Deserialize, serde::Serialize)]
    pub struct Page {
        #[serde(default, skip_serializing_if = "Items::unsent")]
        records: Items<Part<super::Job>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        num_records: Option<Read<i64>>,
        #[serde(flatten)]
        unlisted: Unlisted,
    }
    impl TryFrom<Page> for super::Page {
        type Error = Unbuilt;
        fn try_from(wire: Page) -> Result<Self, Unbuilt> {
            Unbuilt::check(&wire, "Page", &[("records", !wire.records.unsent())])?;
            let mut unread = Unread::new(wire.unlisted);
            Ok(Self {
                records: unread.list(wire.records, "records"),
                num_records: unread.value(wire.num_records, "num_records"),
                unread,
            })
        }
    }
    impl Record for super::Page {
        type Wire = Page;
    }

    #[derive(serde::Deserialize, serde::Serialize)]
    pub struct Job {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        uuid: Option<Read<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size: Option<Read<i64>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        node: Option<Part<super::Node>>,
        #[serde(default, skip_serializing_if = "Items::unsent")]
        tags: Items<Read<String>>,
        #[serde(flatten)]
        unlisted: Unlisted,
    }
    impl TryFrom<Job> for super::Job {
        type Error = Unbuilt;
        fn try_from(wire: Job) -> Result<Self, Unbuilt> {
            Unbuilt::check(&wire, "Job", &[("uuid", readable(&wire.uuid))])?;
            let mut unread = Unread::new(wire.unlisted);
            let Some(required_0) = unread.value(wire.uuid, "uuid") else {
                return Err(Unbuilt::without_raw("Job", &["uuid"]));
            };
            Ok(Self {
                uuid: required_0,
                size: unread.value(wire.size, "size"),
                node: unread.value(wire.node, "node"),
                tags: unread.list(wire.tags, "tags"),
                unread,
            })
        }
    }
    impl Record for super::Job {
        type Wire = Job;
    }

    #[derive(serde::Deserialize, serde::Serialize)]
    pub struct Node {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<Read<String>>,
        #[serde(flatten)]
        unlisted: Unlisted,
    }
    impl TryFrom<Node> for super::Node {
        type Error = Unbuilt;
        fn try_from(wire: Node) -> Result<Self, Unbuilt> {
            Unbuilt::check(&wire, "Node", &[("name", readable(&wire.name))])?;
            let mut unread = Unread::new(wire.unlisted);
            let Some(required_0) = unread.value(wire.name, "name") else {
                return Err(Unbuilt::without_raw("Node", &["name"]));
            };
            Ok(Self {
                name: required_0,
                unread,
            })
        }
    }
    impl Record for super::Node {
        type Wire = Node;
    }
}

fn page(text: &str) -> Page {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn a_plain_answer_reads_with_nothing_unread() {
    let read = page(
        r#"{"records": [{"uuid": "a", "size": 7, "node": {"name": "n1"}, "tags": ["x"]}],
            "num_records": 1}"#,
    );
    assert_eq!(read.num_records, Some(1));
    assert_eq!(read.records.len(), 1);
    let job = &read.records[0];
    assert_eq!(
        (job.uuid.as_str(), job.size, job.tags.clone()),
        ("a", Some(7), vec!["x".to_string()])
    );
    assert_eq!(job.node.as_ref().map(|n| n.name.as_str()), Some("n1"));
    assert!(read.unread.is_empty() && job.unread.is_empty());
}

#[test]
fn odd_values_are_kept_under_their_names_and_the_rest_reads() {
    let read = page(
        r#"{"records": [
              {"uuid": "a", "size": "seven", "node": "n1", "tags": ["x", 3, "y"], "extra": {"k": 1}},
              {"uuid": "b", "size": 3.5, "node": {"name": "n2", "zone": "z"}, "tags": "none"}
            ],
            "num_records": [1], "next": null}"#,
    );
    let [a, b] = &read.records[..] else {
        panic!("two records: {read:?}")
    };
    assert_eq!(a.size, None);
    assert_eq!(a.unread.odd()["size"], json!("seven"));
    assert_eq!(a.node, None);
    assert_eq!(a.unread.odd()["node"], json!("n1"));
    assert_eq!(a.tags, vec!["x".to_string(), "y".to_string()]);
    assert_eq!(a.unread.odd()["tags[1]"], json!(3));
    assert_eq!(a.unread.unlisted()["extra"], json!({"k": 1}));
    assert_eq!(
        b.unread.odd()["size"],
        json!(3.5),
        "a fraction is no integer"
    );
    let node = b.node.as_ref().expect("the node reads");
    assert_eq!(node.unread.unlisted()["zone"], json!("z"));
    assert!(b.tags.is_empty());
    assert_eq!(b.unread.odd()["tags"], json!("none"));
    assert_eq!(read.num_records, None);
    assert_eq!(read.unread.odd()["num_records"], json!([1]));
    assert_eq!(read.unread.unlisted()["next"], json!(null));
}

#[test]
fn a_record_without_its_required_field_is_kept_whole_and_its_neighbours_read() {
    let read = page(
        r#"{"records": [
              {"uuid": "a"},
              {"uuid": 42, "size": 1, "mystery": true},
              {"size": 2},
              "not a record",
              {"uuid": "e", "node": {"zone": "z"}},
              {"uuid": "f"}
            ]}"#,
    );
    let uuids: Vec<&str> = read.records.iter().map(|j| j.uuid.as_str()).collect();
    assert_eq!(uuids, ["a", "e", "f"]);
    assert_eq!(
        read.unread.odd()["records[1]"],
        json!({"uuid": 42, "size": 1, "mystery": true}),
        "kept as it came, unlisted field included"
    );
    assert_eq!(read.unread.odd()["records[2]"], json!({"size": 2}));
    assert_eq!(read.unread.odd()["records[3]"], json!("not a record"));
    assert_eq!(read.records[1].node, None);
    assert_eq!(read.records[1].unread.odd()["node"], json!({"zone": "z"}));
}

#[test]
fn what_cannot_be_kept_still_fails_with_a_reason() {
    let error = serde_json::from_str::<Job>(r#"{"size": 1}"#).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("Job has no readable value for its required field `uuid`"),
        "{error}"
    );
    let error = serde_json::from_str::<Page>(r#"{"num_records": 1}"#).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("Page has no readable value for its required field `records`"),
        "a required list must come: {error}"
    );
    assert!(serde_json::from_str::<Page>(r#"{"records": [{"uuid": "a"}"#).is_err());
    assert!(serde_json::from_str::<Page>(r#"[1, 2]"#).is_err());
    assert_eq!(
        page(r#"{"records": null}"#).records,
        vec![],
        "null is an empty list"
    );
}

#[test]
fn records_read_the_same_from_a_value_and_unlisted_fields_are_written_back() {
    let text = r#"{"records": [{"uuid": "a", "size": "big", "vendor": [1, 2]}], "num_records": 1}"#;
    let from_value: Page = serde_json::from_value(serde_json::from_str(text).unwrap()).unwrap();
    assert_eq!(from_value, page(text));
    let written = serde_json::to_value(&from_value).unwrap();
    assert_eq!(
        written,
        json!({"records": [{"uuid": "a", "tags": [], "vendor": [1, 2]}], "num_records": 1}),
        "odd values are not written back; unlisted ones are"
    );
}

#[test]
fn items_that_may_be_null_read_and_odd_items_past_the_cap_are_counted() {
    use crate::serde_util::{Items, ODD_ITEMS_KEPT, Read};
    let items: Items<Read<Option<String>>> = serde_json::from_str(r#"["a", null, 3]"#).unwrap();
    let mut unread = Unread::default();
    assert_eq!(
        unread.list(items, "notes"),
        vec![Some("a".to_string()), None]
    );
    assert_eq!(unread.odd()["notes[2]"], json!(3));

    let many = format!("[{}\"ok\"]", "0,".repeat(1000));
    let items: Items<Read<String>> = serde_json::from_str(&many).unwrap();
    let mut unread = Unread::default();
    assert_eq!(unread.list(items, "names"), vec!["ok".to_string()]);
    assert_eq!(unread.odd().len(), ODD_ITEMS_KEPT);
    assert_eq!(unread.left_out(), 1000 - ODD_ITEMS_KEPT);
    assert!(!unread.is_empty());
}

#[test]
fn as_sent_puts_odd_values_back_where_they_came() {
    let text = r#"{"records": [{"uuid": "a", "tags": 5, "node": {"name": "n", "up": true}, "size": "big"},
                                7, {"uuid": "c", "tags": ["x", 2, "y", {}]}, {"size": 1}],
                   "num_records": [1]}"#;
    let page = page(text);
    assert_eq!(page.records.len(), 2);
    let shown = crate::to_raw_as_sent(&page).unwrap();
    // `tags` is written as `[]` by its type and as 5 by its odd value: the odd value wins, once.
    assert_eq!(shown.get().matches("\"tags\"").count(), 2, "{shown}");
    let shown: serde_json::Value = serde_json::from_str(shown.get()).unwrap();
    assert_eq!(
        shown,
        serde_json::from_str::<serde_json::Value>(text).unwrap()
    );
    // Nothing odd: the same text as the record's own serialization.
    let plain = self::page(r#"{"records": [{"uuid": "b", "more": 1}], "num_records": 1}"#);
    assert_eq!(
        crate::to_raw_as_sent(&plain).unwrap().get(),
        serde_json::to_string(&plain).unwrap()
    );
    // The record's own serialization is as before: odd values are left out.
    let written = serde_json::to_value(&page).unwrap();
    assert_eq!(written["records"][0]["tags"], json!([]));
    assert_eq!(written["records"][1]["tags"], json!(["x", "y"]));
    assert_eq!(written.get("num_records"), None);
}
