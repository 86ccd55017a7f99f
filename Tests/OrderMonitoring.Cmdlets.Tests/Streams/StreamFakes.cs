using System.Collections.Concurrent;
using System.Text.Json;
using OrderMonitoring.Aws.Streams;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Cmdlets.AuditLog;
using OrderMonitoring.Cmdlets.FailedBatches;
using OrderMonitoring.Cmdlets.Streams;

namespace OrderMonitoring.Cmdlets.Tests.Streams;

/// <summary>A processor that fails chosen sequence numbers a chosen number of times (records of the order after it fail too).</summary>
internal sealed class ScriptedProcessor : IRecordProcessor
{
    public Dictionary<string, int> FailuresLeft { get; } = new(StringComparer.Ordinal);

    public List<List<string>> Calls { get; } = new();

    public Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken)
    {
        var sequences = records.Select(r => r.Dynamodb!.SequenceNumber!).ToList();
        Calls.Add(sequences);
        var failedAt = sequences.FindIndex(s => FailuresLeft.TryGetValue(s, out var left) && left > 0);
        if (failedAt >= 0)
        {
            FailuresLeft[sequences[failedAt]]--;
        }

        var failures = failedAt < 0 ? new List<BatchItemFailure>() : sequences.Skip(failedAt).Select(s => new BatchItemFailure(s, null)).ToList();
        return Task.FromResult(new BatchResult
        {
            Records = records.Count, Audited = records.Count - failures.Count, Failed = failures.Count, BatchItemFailures = failures,
        });
    }
}

/// <summary>A stream in memory: shards with records; closed shards end, open ones return empty pages at the tip.</summary>
internal sealed class FakeStreams : IAmazonDynamoDBStreams
{
    public List<(Shard Shard, List<StreamRecord> Records)> Shards { get; } = new();

    public List<GetShardIteratorRequest> IteratorRequests { get; } = new();

    public void AddShard(string id, string? parent, bool closed, params long[] sequences) =>
        Shards.Add((new Shard
        {
            ShardId = id,
            ParentShardId = parent,
            SequenceNumberRange = new SequenceNumberRange
            {
                StartingSequenceNumber = sequences.FirstOrDefault().ToString(),
                EndingSequenceNumber = closed ? sequences.LastOrDefault().ToString() : null,
            },
        }, sequences.Select(Record).ToList()));

    public static StreamRecord Record(long sequence) => new()
    {
        EventSource = "aws:dynamodb",
        EventName = "INSERT",
        Dynamodb = new StreamRecordData { SequenceNumber = sequence.ToString(), ApproximateCreationDateTime = JsonDocument.Parse("1767225600").RootElement },
    };

    public Task<ListStreamsResponse> ListStreamsAsync(ListStreamsRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ListStreamsResponse());

    public Task<DescribeStreamResponse> DescribeStreamAsync(DescribeStreamRequest request, CancellationToken cancellationToken = default)
    {
        // Two shards per page, so the all-shards paging is exercised.
        var start = request.ExclusiveStartShardId is null ? 0 : Shards.FindIndex(s => s.Shard.ShardId == request.ExclusiveStartShardId) + 1;
        var page = Shards.Skip(start).Take(2).Select(s => s.Shard).ToList();
        return Task.FromResult(new DescribeStreamResponse
        {
            StreamDescription = new StreamDescription
            {
                StreamArn = request.StreamArn, Shards = page,
                LastEvaluatedShardId = start + 2 < Shards.Count ? page[page.Count - 1].ShardId : null,
            },
        });
    }

    public Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default)
    {
        IteratorRequests.Add(request);
        var records = Shards.Single(s => s.Shard.ShardId == request.ShardId).Records;
        var position = request.ShardIteratorType switch
        {
            ShardIteratorType.LATEST => records.Count,
            ShardIteratorType.AFTER_SEQUENCE_NUMBER => records.FindIndex(r => r.Dynamodb!.SequenceNumber == request.SequenceNumber) + 1,
            ShardIteratorType.AT_SEQUENCE_NUMBER => records.FindIndex(r => r.Dynamodb!.SequenceNumber == request.SequenceNumber),
            _ => 0,
        };
        if (position < 0)
        {
            // What the service answers for a sequence number older than the stream's 24 hours.
            throw new OrderMonitoring.Aws.AwsServiceException("DynamoDBStreams", "GetShardIterator", "TrimmedDataAccessException",
                "The requested sequence number is beyond the trim horizon.", null, System.Net.HttpStatusCode.BadRequest, isRetryable: false);
        }

        return Task.FromResult(new GetShardIteratorResponse { ShardIterator = $"{request.ShardId}|{position}" });
    }

    public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
    {
        var parts = request.ShardIterator.Split('|');
        var (shard, records) = Shards.Single(s => s.Shard.ShardId == parts[0]);
        var position = int.Parse(parts[1]);
        var page = records.Skip(position).Take(request.Limit ?? 1000).ToList();
        var next = position + page.Count;
        var closed = shard.SequenceNumberRange?.EndingSequenceNumber is not null;
        return Task.FromResult(new GetRecordsResponse
        {
            Records = page,
            NextShardIterator = closed && next >= records.Count ? null : $"{parts[0]}|{next}",
        });
    }

    public void Dispose()
    {
    }
}

internal sealed class MemoryCheckpoints : ICheckpointStore
{
    public Dictionary<string, ShardCheckpoint> Saved { get; } = new(StringComparer.Ordinal);

    public ShardCheckpoint? Get(string streamArn, string shardId) => Saved.TryGetValue(shardId, out var checkpoint) ? checkpoint : null;

    public void Save(string streamArn, string shardId, ShardCheckpoint checkpoint) => Saved[shardId] = checkpoint;
}

internal sealed class MemoryFailureQueue : IFailedBatchSink
{
    public List<FailedRange> Sent { get; } = new();

    public Task KeepAsync(FailedRange range, CancellationToken cancellationToken)
    {
        Sent.Add(range);
        return Task.CompletedTask;
    }
}
