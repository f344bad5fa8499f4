//! Documentation strings of the framework's connector-level keys, verbatim from Kafka's
//! `ConnectorConfig`, `SinkConnectorConfig`, `SourceConnectorConfig` and `WorkerConfig` (they are
//! shown by `GET /connector-plugins/{plugin}/config` and the validate endpoint).

/// `ConnectorConfig.NAME_DOC`.
pub(super) const NAME_DOC: &str = "Globally unique name to use for this connector.";
/// `ConnectorConfig.CONNECTOR_CLASS_DOC`.
pub(super) const CONNECTOR_CLASS_DOC: &str =
    "Name or alias of the class for this connector. Must be a subclass of \
    org.apache.kafka.connect.connector.Connector. If the connector is \
    org.apache.kafka.connect.file.FileStreamSinkConnector, you can either specify this full \
    name,  or use \"FileStreamSink\" or \"FileStreamSinkConnector\" to make the \
    configuration a bit shorter";
/// `ConnectorConfig.TASKS_MAX_DOC`.
pub(super) const TASKS_MAX_DOC: &str = "Maximum number of tasks to use for this connector.";
/// `ConnectorConfig.TASKS_MAX_ENFORCE_DOC`.
pub(super) const TASKS_MAX_ENFORCE_DOC: &str =
    "(Deprecated) Whether to enforce that the tasks.max property is respected by the \
    connector. By default, connectors that generate too many tasks will fail, and existing \
    sets of tasks that exceed the tasks.max property will also be failed. If this property \
    is set to false, then connectors will be allowed to generate more than the maximum \
    number of tasks, and existing sets of tasks that exceed the tasks.max property will be \
    allowed to run. This property is deprecated and will be removed in an upcoming major \
    release.";
/// `ConnectorConfig.TRANSFORMS_DOC`.
pub(super) const TRANSFORMS_DOC: &str = "Aliases for the transformations to be applied to records.";
/// `ConnectorConfig.PREDICATES_DOC`.
pub(super) const PREDICATES_DOC: &str = "Aliases for the predicates used by transformations.";
/// `ConnectorConfig.CONFIG_RELOAD_ACTION_DOC`.
pub(super) const CONFIG_RELOAD_ACTION_DOC: &str =
    "The action that Connect should take on the connector when changes in external \
    configuration providers result in a change in the connector's configuration properties. \
    A value of 'none' indicates that Connect will do nothing. A value of 'restart' \
    indicates that Connect should restart/reload the connector with the updated \
    configuration properties.The restart may actually be scheduled in the future if the \
    external configuration provider indicates that a configuration value will expire in the \
    future.";
/// `ConnectorConfig.ERRORS_RETRY_TIMEOUT_DOC`.
pub(super) const ERRORS_RETRY_TIMEOUT_DOC: &str =
    "The maximum duration in milliseconds that a failed operation will be reattempted. The \
    default is 0, which means no retries will be attempted. Use -1 for infinite retries.";
/// `ConnectorConfig.ERRORS_RETRY_MAX_DELAY_DOC`.
pub(super) const ERRORS_RETRY_MAX_DELAY_DOC: &str =
    "The maximum duration in milliseconds between consecutive retry attempts. Jitter will be \
    added to the delay once this limit is reached to prevent thundering herd issues.";
/// `ConnectorConfig.ERRORS_TOLERANCE_DOC`.
pub(super) const ERRORS_TOLERANCE_DOC: &str =
    "Behavior for tolerating errors during connector operation. 'none' is the default value \
    and signals that any error will result in an immediate connector task failure; 'all' \
    changes the behavior to skip over problematic records.";
/// `ConnectorConfig.ERRORS_LOG_ENABLE_DOC`.
pub(super) const ERRORS_LOG_ENABLE_DOC: &str =
    "If true, write each error and the details of the failed operation and problematic \
    record to the Connect application log. This is 'false' by default, so that only errors \
    that are not tolerated are reported.";
/// `ConnectorConfig.ERRORS_LOG_INCLUDE_MESSAGES_DOC`.
pub(super) const ERRORS_LOG_INCLUDE_MESSAGES_DOC: &str =
    "Whether to include in the log the Connect record that resulted in a failure. For sink \
    records, the topic, partition, offset, and timestamp will be logged. For source \
    records, the key and value (and their schemas), all headers, and the timestamp, Kafka \
    topic, Kafka partition, source partition, and source offset will be logged. This is \
    'false' by default, which will prevent record keys, values, and headers from being \
    written to log files.";
/// `WorkerConfig.KEY_CONVERTER_CLASS_DOC`.
pub(super) const KEY_CONVERTER_CLASS_DOC: &str =
    "Converter class used to convert between Kafka Connect format and the serialized form \
    that is written to Kafka. This controls the format of the keys in messages written to \
    or read from Kafka, and since this is independent of connectors it allows any connector \
    to work with any serialization format. Examples of common formats include JSON and Avro.";
/// `WorkerConfig.VALUE_CONVERTER_CLASS_DOC`.
pub(super) const VALUE_CONVERTER_CLASS_DOC: &str =
    "Converter class used to convert between Kafka Connect format and the serialized form \
    that is written to Kafka. This controls the format of the values in messages written to \
    or read from Kafka, and since this is independent of connectors it allows any connector \
    to work with any serialization format. Examples of common formats include JSON and Avro.";
/// `WorkerConfig.HEADER_CONVERTER_CLASS_DOC`.
pub(super) const HEADER_CONVERTER_CLASS_DOC: &str =
    "HeaderConverter class used to convert between Kafka Connect format and the serialized \
    form that is written to Kafka. This controls the format of the header values in \
    messages written to or read from Kafka, and since this is independent of connectors it \
    allows any connector to work with any serialization format. Examples of common formats \
    include JSON and Avro. By default, the SimpleHeaderConverter is used to serialize \
    header values to strings and deserialize them by inferring the schemas.";
/// `SinkConnectorConfig.TOPICS_DOC`.
pub(super) const TOPICS_DOC: &str = "List of topics to consume, separated by commas";
/// `SinkConnectorConfig.TOPICS_REGEX_DOC`.
pub(super) const TOPICS_REGEX_DOC: &str =
    "Regular expression giving topics to consume. Under the hood, the regex is compiled to a \
    <code>java.util.regex.Pattern</code>. Only one of topics or topics.regex should be \
    specified.";
/// `SinkConnectorConfig.DLQ_TOPIC_NAME_DOC`.
pub(super) const DLQ_TOPIC_NAME_DOC: &str =
    "The name of the topic to be used as the dead letter queue (DLQ) for messages that \
    result in an error when processed by this sink connector, or its transformations or \
    converters. The topic name is blank by default, which means that no messages are to be \
    recorded in the DLQ.";
/// `SinkConnectorConfig.DLQ_TOPIC_REPLICATION_FACTOR_CONFIG_DOC`.
pub(super) const DLQ_TOPIC_REPLICATION_FACTOR_CONFIG_DOC: &str =
    "Replication factor used to create the dead letter queue topic when it doesn't already \
    exist.";
/// `SinkConnectorConfig.DLQ_CONTEXT_HEADERS_ENABLE_DOC`.
pub(super) const DLQ_CONTEXT_HEADERS_ENABLE_DOC: &str =
    "If true, add headers containing error context to the messages written to the dead \
    letter queue. To avoid clashing with headers from the original record, all error \
    context header keys, all error context header keys will start with \
    <code>__connect.errors.</code>";
/// `SourceConnectorConfig.TOPIC_CREATION_GROUPS_DOC`.
pub(super) const TOPIC_CREATION_GROUPS_DOC: &str =
    "Groups of configurations for topics created by source connectors";
/// `SourceConnectorConfig.EXACTLY_ONCE_SUPPORT_DOC`.
pub(super) const EXACTLY_ONCE_SUPPORT_DOC: &str =
    "Permitted values are requested, required. If set to \"required\", forces a preflight \
    check for the connector to ensure that it can provide exactly-once semantics with the \
    given configuration. Some connectors may be capable of providing exactly-once semantics \
    but not signal to Connect that they support this; in that case, documentation for the \
    connector should be consulted carefully before creating it, and the value for this \
    property should be set to \"requested\". Additionally, if the value is set to \
    \"required\" but the worker that performs preflight validation does not have \
    exactly-once support enabled for source connectors, requests to create or validate the \
    connector will fail.";
/// `SourceConnectorConfig.TRANSACTION_BOUNDARY_DOC`.
pub(super) const TRANSACTION_BOUNDARY_DOC: &str =
    "Permitted values are: poll, interval, connector. If set to 'poll', a new producer \
    transaction will be started and committed for every batch of records that each task \
    from this connector provides to Connect. If set to 'connector', relies on \
    connector-defined transaction boundaries; note that not all connectors are capable of \
    defining their own transaction boundaries, and in that case, attempts to instantiate a \
    connector with this value will fail. Finally, if set to 'interval', commits \
    transactions only after a user-defined time interval has passed.";
/// `SourceConnectorConfig.TRANSACTION_BOUNDARY_INTERVAL_DOC`.
pub(super) const TRANSACTION_BOUNDARY_INTERVAL_DOC: &str =
    "If 'transaction.boundary' is set to 'interval', determines the interval for producer \
    transaction commits by connector tasks. If unset, defaults to the value of the \
    worker-level 'offset.flush.interval.ms' property. It has no effect if a different \
    transaction.boundary is specified.";
/// `SourceConnectorConfig.OFFSETS_TOPIC_DOC`.
pub(super) const OFFSETS_TOPIC_DOC: &str =
    "The name of a separate offsets topic to use for this connector. If empty or not \
    specified, the worker\u{2019}s global offsets topic name will be used. If specified, \
    the offsets topic will be created if it does not already exist on the Kafka cluster \
    targeted by this connector (which may be different from the one used for the worker's \
    global offsets topic if the bootstrap.servers property of the connector's producer has \
    been overridden from the worker's). Only applicable in distributed mode; in standalone \
    mode, setting this property will have no effect.";
