//! The view against the owned decoder: same values, same errors, for every kind of value and
//! for every truncation and single-byte corruption of their encodings.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use ferry_data::{logical, Schema, SchemaRef, Struct, Type, Value};
use num_bigint::BigInt;

use super::ValueRef;
use crate::error::CodecError;
use crate::value::{decode_value, encode_value, MAX_DEPTH};

fn encode(value: &Value) -> Vec<u8> {
    let mut bytes = Vec::new();
    encode_value(&mut bytes, value);
    bytes
}

/// `ValueRef::decode` succeeds exactly when `decode_value` does, with the same error, and the
/// view's `to_value` is the owned decode.
fn same_as_owned(bytes: &[u8], schema: Option<&SchemaRef>) {
    match (decode_value(bytes, schema), ValueRef::decode(bytes, schema)) {
        // Compared through `Debug`: a corrupted float may be NaN, which is not equal to itself.
        (Ok(owned), Ok(view)) => assert_eq!(
            format!("{:?}", view.to_value()),
            format!("{owned:?}"),
            "bytes {bytes:02x?}"
        ),
        (Err(a), Err(b)) => assert_eq!(a, b, "bytes {bytes:02x?}"),
        (a, b) => panic!("owned {a:?} but view {b:?} for {bytes:02x?}"),
    }
}

/// Encode `value`, check the view decodes it to the same value, then check every prefix and
/// every single-byte corruption of the encoding behave as the owned decoder does.
fn check(value: &Value, schema: Option<&SchemaRef>) {
    let bytes = encode(value);
    let view = ValueRef::decode(&bytes, schema).unwrap();
    assert_eq!(&view.to_value(), value);
    assert_eq!(view.kind_name(), value.kind_name());
    for end in 0..bytes.len() {
        same_as_owned(&bytes[..end], schema);
    }
    for i in 0..bytes.len() {
        for b in [0x00, 0x01, 0x09, 0x0b, 0x0d, 0x7f, 0x80, 0xc3, 0xff] {
            let mut corrupt = bytes.clone();
            corrupt[i] = b;
            same_as_owned(&corrupt, schema);
        }
    }
}

fn address_schema() -> SchemaRef {
    Schema::struct_builder()
        .name("test.Address")
        .field("street", Schema::primitive(Type::String))
        .field("zip", Schema::optional_primitive(Type::String))
        .build()
}

fn order_schema() -> SchemaRef {
    Schema::struct_builder()
        .name("test.Order")
        .field("id", Schema::primitive(Type::Int64))
        .field("name", Schema::primitive(Type::String))
        .field("price", logical::decimal(2).build())
        .field("created", logical::timestamp().build())
        .field(
            "tags",
            Schema::array(Schema::primitive(Type::String)).build(),
        )
        .field("address", address_schema())
        .field("note", Schema::optional_primitive(Type::String))
        .field("active", Schema::primitive(Type::Boolean))
        .build()
}

fn order(schema: &SchemaRef, zip: Option<&str>) -> Value {
    let address = Struct::new(address_schema())
        .and_then(|s| s.with("street", "1 Main St"))
        .and_then(|s| s.with("zip", zip.map_or(Value::Null, Value::from)))
        .unwrap();
    let tags = Value::Array(vec![Value::String("new".into()), Value::String("é".into())]);
    Value::Struct(
        Struct::new(schema.clone())
            .and_then(|s| s.with("id", Value::Int64(42)))
            .and_then(|s| s.with("name", "Order 42"))
            .and_then(|s| s.with("price", Value::Decimal(BigInt::from(-1999), 2)))
            .and_then(|s| s.with("created", Value::Timestamp(1_700_000_000_000)))
            .and_then(|s| s.with("tags", tags))
            .and_then(|s| s.with("address", Value::Struct(address)))
            .and_then(|s| s.with("active", Value::Boolean(true)))
            .unwrap(),
    )
}

#[test]
fn primitives_match_the_owned_decode() {
    let values = [
        Value::Null,
        Value::Boolean(false),
        Value::Boolean(true),
        Value::Int8(-1),
        Value::Int16(300),
        Value::Int16(i16::MIN),
        Value::Int32(-70_000),
        Value::Int64(i64::MIN),
        Value::Int64(1 << 40),
        Value::Float32(1.5),
        Value::Float64(-0.25),
        Value::String(String::new()),
        Value::String("héllo, wörld".into()),
        Value::Bytes(Vec::new()),
        Value::Bytes(vec![0, 0xff, 0x80]),
    ];
    for v in &values {
        let schema = v.connect_type().map(Schema::primitive);
        check(v, schema.as_ref());
        check(v, None); // schemaless
    }
}

#[test]
fn logical_types_match_the_owned_decode() {
    let big = BigInt::parse_bytes(b"-123456789012345678901234567890", 10).unwrap();
    let cases = [
        (
            Value::Decimal(BigInt::from(0), 2),
            logical::decimal(2).build(),
        ),
        (
            Value::Decimal(BigInt::from(-1999), 2),
            logical::decimal(2).build(),
        ),
        (
            Value::Decimal(BigInt::from(i64::MAX), 0),
            logical::decimal(0).build(),
        ),
        (Value::Decimal(big.clone(), 5), logical::decimal(5).build()),
        (Value::Date(19_000), logical::date().build()),
        (Value::Time(-1), logical::time().build()),
        (Value::Timestamp(-5), logical::timestamp().build()),
    ];
    for (v, schema) in &cases {
        check(v, Some(schema));
    }
    let bytes = encode(&Value::Decimal(big.clone(), 5));
    let d = ValueRef::decode(&bytes, None)
        .unwrap()
        .as_decimal()
        .unwrap();
    assert_eq!((d.to_bigint(), d.scale(), d.unscaled_i64()), (big, 5, None));
    let bytes = encode(&Value::Decimal(BigInt::from(-1999), 2));
    let d = ValueRef::decode(&bytes, None)
        .unwrap()
        .as_decimal()
        .unwrap();
    assert_eq!(
        (d.unscaled_i64(), d.unscaled_bytes()),
        (Some(-1999), &[0xf8, 0x31][..])
    );
}

/// Strings of every length the inline ASCII check treats differently (0–3, 4–7, 8–16, 17–32,
/// longer), with non-ASCII text and invalid UTF-8 at every position: the view's single UTF-8
/// check (its readers do not check again) accepts and refuses exactly what the owned decoder
/// does, and reads back the same text.
#[test]
fn strings_of_every_length_check_utf8_as_the_owned_decode() {
    let schema = Schema::primitive(Type::String);
    for n in 0..=40 {
        let ascii: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        check(&Value::String(ascii.clone()), Some(&schema));
        let view_of = |bytes: &[u8]| {
            ValueRef::decode(bytes, Some(&schema)).map(|v| v.as_str().map(str::to_owned))
        };
        for i in 0..n {
            let mut bytes = encode(&Value::String(ascii.clone()));
            let at = bytes.len() - n + i;
            // A lone continuation byte, a truncated two-byte sequence, and DEL (still ASCII).
            for b in [0x80, 0xc3, 0x7f] {
                bytes[at] = b;
                same_as_owned(&bytes, Some(&schema));
            }
            // Valid two-byte text ("é") ending at the last position.
            if i + 1 < n {
                bytes[at] = 0xc3;
                bytes[at + 1] = 0xa9;
                let owned = decode_value(&bytes, Some(&schema)).unwrap();
                assert_eq!(view_of(&bytes).unwrap().map(Value::String), Some(owned));
            }
        }
    }
}

#[test]
fn containers_match_the_owned_decode() {
    let strings = Schema::array(Schema::primitive(Type::String)).build();
    let tags = Value::Array(vec![Value::String("a".into()), Value::String("bc".into())]);
    check(&tags, Some(&strings));
    check(&Value::Array(Vec::new()), Some(&strings));
    let mixed = Value::Array(vec![
        Value::Int32(1),
        Value::Null,
        Value::String("x".into()),
    ]);
    check(&mixed, None); // schemaless array

    let map_schema = Schema::map(
        Schema::primitive(Type::String),
        Schema::optional_primitive(Type::Int32),
    )
    .build();
    let map = Value::Map(vec![
        (Value::String("one".into()), Value::Int32(1)),
        (Value::String("none".into()), Value::Null),
    ]);
    check(&map, Some(&map_schema));
    check(&map, None);
    check(&Value::Map(Vec::new()), Some(&map_schema));
}

#[test]
fn structs_match_the_owned_decode() {
    let schema = order_schema();
    check(&order(&schema, Some("12345")), Some(&schema));
    check(&order(&schema, None), Some(&schema)); // null optional fields

    // Structs inside arrays and maps.
    let addresses = Schema::array(address_schema()).build();
    let one = order(&schema, Some("1"));
    let address = one.clone();
    let Value::Struct(s) = &address else {
        unreachable!()
    };
    let a = s.get("address").unwrap().clone();
    check(&Value::Array(vec![a.clone(), a.clone()]), Some(&addresses));
    let by_name = Schema::map(Schema::primitive(Type::String), address_schema()).build();
    check(
        &Value::Map(vec![(Value::String("home".into()), a)]),
        Some(&by_name),
    );
}

#[test]
fn errors_match_the_owned_decode() {
    let schema = order_schema();
    let bytes = encode(&order(&schema, None));
    // A struct without a schema, and with the wrong schema.
    same_as_owned(&bytes, None);
    same_as_owned(&bytes, Some(&address_schema()));
    assert_eq!(
        ValueRef::decode(&bytes, None).unwrap_err(),
        CodecError::StructWithoutSchema
    );
    // Too deep: arrays nested past MAX_DEPTH.
    let mut deep = [0x0b, 0x01].repeat(MAX_DEPTH + 2);
    deep.push(0x00);
    same_as_owned(&deep, None);
    assert_eq!(
        ValueRef::decode(&deep, None).unwrap_err(),
        CodecError::TooDeep(MAX_DEPTH)
    );
    // Not UTF-8, unknown tag, int16 out of range.
    for bad in [&[0x09, 0x01, 0xff][..], &[0x42], &[0x04, 0x80, 0x80, 0x04]] {
        same_as_owned(bad, None);
        assert!(ValueRef::decode(bad, None).is_err());
    }
}

#[test]
fn accessors_read_in_place() {
    let schema = order_schema();
    let bytes = encode(&order(&schema, Some("12345")));
    let v = ValueRef::decode(&bytes, Some(&schema)).unwrap();

    assert_eq!(v.field("id").and_then(|f| f.as_i64()), Some(42));
    assert_eq!(v.field("name").and_then(|f| f.as_str()), Some("Order 42"));
    assert!(matches!(
        v.field("created"),
        Some(ValueRef::Timestamp(1_700_000_000_000))
    ));
    assert_eq!(
        v.field("price")
            .and_then(|f| f.as_decimal())
            .and_then(|d| d.unscaled_i64()),
        Some(-1999)
    );
    assert_eq!(v.field("active").and_then(|f| f.as_bool()), Some(true));
    assert!(v.field("note").is_some_and(|f| f.is_null()));
    assert!(v.field("missing").is_none());
    assert!(v.field("id").unwrap().field("x").is_none()); // not a struct

    let address = v.field("address").and_then(|f| f.as_struct()).unwrap();
    assert_eq!(address.schema().name.as_deref(), Some("test.Address"));
    assert_eq!(address.field("zip").and_then(|f| f.as_str()), Some("12345"));
    assert_eq!(address.get(0).and_then(|f| f.as_str()), Some("1 Main St"));
    assert!(address.get(2).is_none());

    let tags = v.field("tags").and_then(|f| f.as_array()).unwrap();
    assert_eq!((tags.len(), tags.is_empty()), (2, false));
    assert_eq!(tags.iter().len(), 2);
    assert_eq!(
        tags.into_iter()
            .map(|t| t.as_str().unwrap())
            .collect::<Vec<_>>(),
        ["new", "é"]
    );
    assert_eq!(tags.get(1).and_then(|t| t.as_str()), Some("é"));
    assert!(tags.get(2).is_none());
    assert_eq!(tags.item_schema().map(|s| s.ty), Some(Type::String));

    let s = v.as_struct().unwrap();
    let names: Vec<&str> = s.fields().map(|(f, _)| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["id", "name", "price", "created", "tags", "address", "note", "active"]
    );
    assert_eq!(Value::Struct(s.to_struct()), order(&schema, Some("12345")));
    assert_eq!(
        format!("{:?}", address),
        r#"{"street": String("1 Main St"), "zip": String("12345")}"#
    );

    // Wrong-kind accessors say no.
    let id = v.field("id").unwrap();
    assert_eq!((id.as_str(), id.as_bool(), id.as_f64()), (None, None, None));
    assert!(id.as_array().is_none() && id.as_map().is_none() && id.as_bytes().is_none());
}

#[test]
fn maps_and_floats_read_in_place() {
    let map = Value::Map(vec![
        (Value::String("a".into()), Value::Float32(0.5)),
        (Value::String("b".into()), Value::Float64(2.0)),
    ]);
    let bytes = encode(&map);
    let m = ValueRef::decode(&bytes, None).unwrap().as_map().unwrap();
    assert_eq!(
        (m.len(), m.is_empty(), m.schemas().0.is_none()),
        (2, false, true)
    );
    assert_eq!(m.get_str("b").and_then(|v| v.as_f64()), Some(2.0));
    assert_eq!(m.get_str("a").and_then(|v| v.as_f64()), Some(0.5));
    assert!(m.get_str("c").is_none());
    let keys: Vec<_> = m.iter().map(|(k, _)| k.as_str().unwrap()).collect();
    assert_eq!(keys, ["a", "b"]);
    assert_eq!(
        format!("{m:?}"),
        r#"{String("a"): Float32(0.5), String("b"): Float64(2.0)}"#
    );

    let bytes = encode(&Value::Bytes(vec![1, 2]));
    assert_eq!(
        ValueRef::decode(&bytes, None).unwrap().as_bytes(),
        Some(&[1, 2][..])
    );
    // Trailing bytes are ignored, as by `decode_value`.
    assert_eq!(
        ValueRef::decode(&[0x03, 0x05, 0xff], None)
            .unwrap()
            .as_i64(),
        Some(5)
    );
}

#[test]
fn record_views_read_keys_and_values_in_place() {
    use crate::{BatchReader, BatchWriter, EncodeRecord, Payload, SchemaCache, WriterState};
    use ferry_plugin_abi::BatchBuf;

    let schema = order_schema();
    let value = order(&schema, None);
    let key_schema = Schema::primitive(Type::String);
    let key = Value::String("k".into());
    let mut buf = BatchBuf::new();
    let mut state = WriterState::default();
    let mut w = BatchWriter::new(&mut buf, &mut state);
    let mut rec = EncodeRecord::new("t");
    rec.key = Payload::Value(Some(&key_schema), &key);
    rec.value = Payload::Value(Some(&schema), &value);
    w.push(&rec).unwrap();
    w.push(&EncodeRecord::new("t")).unwrap(); // tombstone, no key
    let mut cache = SchemaCache::default();
    let reader = BatchReader::new(buf.as_batch_ref(), &mut cache).unwrap();
    let first = reader.get(0).unwrap();
    assert_eq!(
        first.value_ref().unwrap().to_value(),
        first.value().unwrap()
    );
    assert_eq!(first.value_ref().unwrap().to_value(), value);
    assert_eq!(first.key_ref().unwrap().as_str(), Some("k"));
    let tombstone = reader.get(1).unwrap();
    assert!(tombstone.value_ref().unwrap().is_null());
    assert!(tombstone.key_ref().unwrap().is_null());
}

#[test]
fn wide_and_large_structs_read_every_field_by_name() {
    // More fields than the view keeps start offsets for, and a field past 64 KiB.
    let mut builder = Schema::struct_builder();
    for i in 0..12 {
        let ty = if i % 2 == 0 {
            Type::String
        } else {
            Type::Int32
        };
        builder = builder.field(format!("f{i}"), Schema::primitive(ty));
    }
    let schema = builder.build();
    let mut s = Struct::new(schema.clone()).unwrap();
    for i in 0..12 {
        let v = if i % 2 == 0 {
            Value::String("x".repeat(if i == 4 { 70_000 } else { i }))
        } else {
            Value::Int32(i as i32)
        };
        s.put(&format!("f{i}"), v).unwrap();
    }
    let value = Value::Struct(s.clone());
    let bytes = encode(&value);
    let view = ValueRef::decode(&bytes, Some(&schema)).unwrap();
    for i in 0..12 {
        let name = format!("f{i}");
        let got = view.field(&name).unwrap().to_value();
        assert_eq!(&got, s.get(&name).unwrap(), "{name}");
        assert_eq!(view.as_struct().unwrap().get(i).unwrap().to_value(), got);
    }
    assert_eq!(view.to_value(), value);
}
