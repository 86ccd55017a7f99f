using System.Text.Json.Serialization;
using OrderMonitoring.Aws.Protocol.Json;

namespace OrderMonitoring.Aws.Streams;

/// <summary>Input of ListStreams.</summary>
public sealed class ListStreamsRequest
{
    public string? TableName { get; set; }

    public int? Limit { get; set; }

    public string? ExclusiveStartStreamArn { get; set; }
}

/// <summary>Output of ListStreams.</summary>
public sealed class ListStreamsResponse
{
    public List<StreamSummary> Streams { get; set; } = new();

    public string? LastEvaluatedStreamArn { get; set; }
}

/// <summary>One stream of a table (the SDK calls this type <c>Stream</c>, which clashes with System.IO.Stream).</summary>
public sealed class StreamSummary
{
    public string? StreamArn { get; set; }

    public string? TableName { get; set; }

    public string? StreamLabel { get; set; }
}

/// <summary>Input of DescribeStream.</summary>
public sealed class DescribeStreamRequest
{
    public string StreamArn { get; set; } = "";

    public int? Limit { get; set; }

    public string? ExclusiveStartShardId { get; set; }
}

/// <summary>Output of DescribeStream.</summary>
public sealed class DescribeStreamResponse
{
    public StreamDescription StreamDescription { get; set; } = new();
}

/// <summary>A stream, its settings and (a page of) its shards.</summary>
public sealed class StreamDescription
{
    public string? StreamArn { get; set; }

    public string? StreamLabel { get; set; }

    /// <summary>ENABLING, ENABLED, DISABLING, DISABLED.</summary>
    public string? StreamStatus { get; set; }

    /// <summary>KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES.</summary>
    public string? StreamViewType { get; set; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTime? CreationRequestDateTime { get; set; }

    public string? TableName { get; set; }

    public List<KeySchemaElement> KeySchema { get; set; } = new();

    public List<Shard> Shards { get; set; } = new();

    /// <summary>Set when more shards follow: pass it as <c>ExclusiveStartShardId</c>.</summary>
    public string? LastEvaluatedShardId { get; set; }
}

/// <summary>A key attribute of the table.</summary>
public sealed class KeySchemaElement
{
    public string? AttributeName { get; set; }

    /// <summary>HASH or RANGE.</summary>
    public string? KeyType { get; set; }
}

/// <summary>A shard of a stream; a closed shard has an ending sequence number.</summary>
public sealed class Shard
{
    public string? ShardId { get; set; }

    public string? ParentShardId { get; set; }

    public SequenceNumberRange? SequenceNumberRange { get; set; }
}

/// <summary>First and (for closed shards) last sequence number of a shard.</summary>
public sealed class SequenceNumberRange
{
    public string? StartingSequenceNumber { get; set; }

    public string? EndingSequenceNumber { get; set; }
}

/// <summary>Values of <c>ShardIteratorType</c>.</summary>
public static class ShardIteratorType
{
    public const string TRIM_HORIZON = "TRIM_HORIZON";
    public const string LATEST = "LATEST";
    public const string AT_SEQUENCE_NUMBER = "AT_SEQUENCE_NUMBER";
    public const string AFTER_SEQUENCE_NUMBER = "AFTER_SEQUENCE_NUMBER";
}

/// <summary>Input of GetShardIterator.</summary>
public sealed class GetShardIteratorRequest
{
    public string StreamArn { get; set; } = "";

    public string ShardId { get; set; } = "";

    public string ShardIteratorType { get; set; } = Streams.ShardIteratorType.TRIM_HORIZON;

    /// <summary>Only for AT_/AFTER_SEQUENCE_NUMBER.</summary>
    public string? SequenceNumber { get; set; }
}

/// <summary>Output of GetShardIterator.</summary>
public sealed class GetShardIteratorResponse
{
    public string? ShardIterator { get; set; }
}

/// <summary>Input of GetRecords.</summary>
public sealed class GetRecordsRequest
{
    public string ShardIterator { get; set; } = "";

    /// <summary>At most 1000.</summary>
    public int? Limit { get; set; }
}

/// <summary>Output of GetRecords: records in the shape Lambda events use, and where to continue (null once the shard is closed and read).</summary>
public sealed class GetRecordsResponse
{
    public List<StreamRecord> Records { get; set; } = new();

    public string? NextShardIterator { get; set; }
}
