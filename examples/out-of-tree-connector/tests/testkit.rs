//! The connectors run in-process through the SDK testkit: the same ABI objects and record
//! encoding the worker uses, without Kafka or a worker.

use counter_connector::{CounterSource, LineSink};
use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::testkit::{SinkHarness, SourceHarness, TestRecord};

#[test]
fn the_source_counts_and_resumes() -> Result<()> {
    let config = [
        ("name", "c"),
        ("topic", "counts"),
        ("max.count", "5"),
        ("batch.size", "3"),
    ];
    let mut harness = SourceHarness::<CounterSource>::new(&config)?;
    let task_config = harness.task_configs(4)?.remove(0);
    let mut task = harness.start_task(&task_config)?;
    let values: Vec<Value> = task.poll()?.into_iter().map(|r| r.value).collect();
    assert_eq!(
        values,
        vec![Value::Int64(1), Value::Int64(2), Value::Int64(3)]
    );
    task.stop()?;

    // After a restart the task continues from the last committed offset.
    let mut offset = JsonMap::new();
    offset.insert("count".into(), 3.into());
    let mut partition = JsonMap::new();
    partition.insert("counter".into(), "main".into());
    harness.set_offset(&partition, offset)?;
    let mut task = harness.start_task(&task_config)?;
    let values: Vec<Value> = task.poll()?.into_iter().map(|r| r.value).collect();
    assert_eq!(values, vec![Value::Int64(4), Value::Int64(5)]);
    task.stop()?;
    harness.stop()
}

#[test]
fn the_sink_writes_one_line_per_record() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("counter-connector-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| ConnectError::new(e.to_string()))?;
    let file = dir.join("out.txt");
    let path = file.display().to_string();
    let mut harness =
        SinkHarness::<LineSink>::new(&[("name", "s"), ("topics", "counts"), ("file", &path)])?;
    let task_config = harness.task_configs(1)?.remove(0);
    let mut task = harness.start_task(&task_config, &[TopicPartition::new("counts", 0)])?;
    let int64 = Some(Schema::primitive(Type::Int64));
    task.put(&[
        TestRecord::new("counts", 0, 0, int64.clone(), Value::Int64(1)),
        TestRecord::new("counts", 0, 1, int64, Value::Int64(2)),
    ])?;
    task.stop()?;
    harness.stop()?;
    let written = std::fs::read_to_string(&file).map_err(|e| ConnectError::new(e.to_string()))?;
    assert_eq!(written, "1\n2\n");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
