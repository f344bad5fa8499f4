use ferry_converters::*;
use ferry_data::*;
fn run(name: &str, stack: usize, f: impl FnOnce() -> bool + Send + 'static) {
    let ok = std::thread::Builder::new()
        .stack_size(stack)
        .spawn(f)
        .unwrap()
        .join();
    println!("{name} stack={}K: {ok:?}", stack >> 10);
}
fn main() {
    let cfg: ConverterConfig = [("schemas.enable".to_string(), "false".to_string())].into();
    for stack in [2usize << 20, 1 << 20] {
        let c = cfg.clone();
        run("decode arrays 1000", stack, move || {
            let p = converter("Json", ConverterTarget::Value, &c).unwrap();
            let deep = "[".repeat(1000) + &"]".repeat(1000);
            let obj = "{\"a\":".repeat(999) + "1" + &"}".repeat(999);
            p.to_connect("t", Some(deep.as_bytes())).is_ok()
                && p.to_connect("t", Some(obj.as_bytes())).is_ok()
        });
        let c = cfg.clone();
        run("encode arrays 1000", stack, move || {
            let p = converter("Json", ConverterTarget::Value, &c).unwrap();
            let mut v = Value::Null;
            for _ in 0..1000 {
                v = Value::Array(vec![v]);
            }
            let mut m = Value::Null;
            for _ in 0..1000 {
                m = Value::Map(vec![("a".into(), m)]);
            }
            p.from_connect("t", None, &v).is_ok() && p.from_connect("t", None, &m).is_ok()
        });
        for depth in [100usize, 200, 300, 499] {
            run(&format!("schema parse {depth}"), stack, move || {
                let p = converter("Json", ConverterTarget::Value, &ConverterConfig::new()).unwrap();
                let schema = "{\"type\":\"array\",\"items\":".repeat(depth)
                    + "{\"type\":\"int8\"}"
                    + &"}".repeat(depth);
                let json = format!("{{\"schema\":{schema},\"payload\":[]}}");
                p.to_connect("t", Some(json.as_bytes())).is_ok()
            });
            run(&format!("schema write {depth}"), stack, move || {
                let p = converter("Json", ConverterTarget::Value, &ConverterConfig::new()).unwrap();
                let mut s = Schema::primitive(Type::Int8);
                for _ in 0..depth {
                    s = Schema::array(s).build();
                }
                p.from_connect("t", Some(&s), &Value::Array(vec![])).is_ok()
            });
        }
        run("header 256", stack, move || {
            let h = header_converter("Simple", &ConverterConfig::new()).unwrap();
            let deep = "[".repeat(256) + "1" + &"]".repeat(256);
            let (s, _) = h
                .to_connect_header("t", "k", Some(deep.as_bytes()))
                .unwrap();
            let deep2 = "[".repeat(300);
            h.to_connect_header("t", "k", Some(deep2.as_bytes()))
                .unwrap();
            s.is_some()
        });
    }
}
