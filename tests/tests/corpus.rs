//! The corpus of published and construct documents: `docs/CORPUS.md`'s table says what the
//! generator keeps and drops of each and what raw progenitor does with it, and stays true.

use generator::corpus;
use tests::workspace::root;

#[test]
fn corpus_table_is_true() {
    let root = root();
    // Raw progenitor overflows its stack on some documents; it runs in a child process.
    let isolation = generator::isolate::Isolation {
        program: env!("CARGO_BIN_EXE_generator-child").into(),
        arguments: Vec::new(),
    };
    let mut rows = Vec::new();
    for document in corpus::documents(&root).unwrap() {
        let (_, row) =
            corpus::examine(&root, &document, &isolation).unwrap_or_else(|e| panic!("{e}"));
        assert!(row.kept > 0, "{document}: no operation kept");
        rows.push(row);
    }
    let path = corpus::table_file(&root);
    let text = std::fs::read_to_string(&path).unwrap();
    let expected = corpus::with_table(&text, &corpus::table(&rows))
        .expect("docs/CORPUS.md has the table markers");
    assert!(
        expected == text,
        "docs/CORPUS.md is stale; run `cargo xtask corpus --table`. The table should read:\n{}",
        corpus::table(&rows)
    );
}
