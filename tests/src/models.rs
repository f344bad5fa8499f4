//! The sample `Models` table (tests/fixtures/models.sql) as the tests produce it.

use serde_json::json;

/// A `Models` row: model_id, model_name, model_base_price, brand_id.
pub type ModelRow = (i32, &'static str, i32, i32);

/// The 17 rows of tests/fixtures/models.sql.
pub const ROWS: [ModelRow; 17] = [
    (1, "The Blonde", 23000, 1),
    (2, "The Brunette", 25000, 1),
    (3, "The Red Head", 29000, 1),
    (4, "Hat", 22000, 2),
    (5, "Sweater", 25000, 2),
    (6, "T-Shirt", 27000, 2),
    (7, "Orange", 15000, 3),
    (8, "Blue", 12000, 3),
    (9, "Green", 17000, 3),
    (10, "LaFerrari", 125000, 4),
    (11, "450", 75000, 4),
    (12, "F12 Berlinetta", 110000, 4),
    (13, "F40", 100000, 4),
    (14, "Extra", 30000, 5),
    (15, "Too Much", 35000, 5),
    (16, "Beats", 24000, 6),
    (17, "Bars", 35000, 6),
];

/// A row as Kafka's JsonConverter (schemas enabled) writes it, as the JDBC source does.
pub fn envelope((id, name, price, brand): ModelRow) -> Vec<u8> {
    json!({
        "schema": {"type": "struct", "fields": [
            {"type": "int32", "optional": false, "field": "model_id"},
            {"type": "string", "optional": false, "field": "model_name"},
            {"type": "int32", "optional": false, "field": "model_base_price"},
            {"type": "int32", "optional": false, "field": "brand_id"}
        ], "optional": false, "name": "Models"},
        "payload": {"model_id": id, "model_name": name, "model_base_price": price, "brand_id": brand}
    })
    .to_string()
    .into_bytes()
}
