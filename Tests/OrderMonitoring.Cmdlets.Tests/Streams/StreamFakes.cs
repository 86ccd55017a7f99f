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

    private readonly List<List<string>> _calls = new();

    /// <summary>Every call's sequence numbers, in the order the calls began (shards run at once, so calls may come from several threads).</summary>
    public List<List<string>> Calls { get { lock (_calls) { return _calls.ToList(); } } }

    /// <summary>Runs at the start of every call (a test's hook: block, cancel, look at the stream).</summary>
    public Func<IReadOnlyList<string>, CancellationToken, Task>? OnCall { get; set; }

    /// <summary>The order of a record by its sequence number (null: records belong to no order, as before orders mattered).</summary>
    public Func<string, string?>? Orders { get; set; }

    public string? OrderOf(StreamRecord record) => Orders?.Invoke(record.Dynamodb!.SequenceNumber!);

    public async Task<BatchResult> ProcessAsync(IReadOnlyList<StreamRecord> records, CancellationToken cancellationToken)
    {
        var sequences = records.Select(r => r.Dynamodb!.SequenceNumber!).ToList();
        lock (_calls)
        {
            _calls.Add(sequences);
        }

        if (OnCall is { } onCall)
        {
            await onCall(sequences, cancellationToken);
        }

        int failedAt;
        lock (_calls)
        {
            failedAt = sequences.FindIndex(s => FailuresLeft.TryGetValue(s, out var left) && left > 0);
            if (failedAt >= 0)
            {
                FailuresLeft[sequences[failedAt]]--;
            }
        }

        var failures = failedAt < 0 ? new List<BatchItemFailure>() : sequences.Skip(failedAt).Select(s => new BatchItemFailure(s, null)).ToList();
        return new BatchResult
        {
            Records = records.Count, Audited = records.Count - failures.Count, Failed = failures.Count, BatchItemFailures = failures,
        };
    }
}

/// <summary>A stream in memory: shards with records; closed shards end, open ones return empty pages at the tip.</summary>
internal sealed class FakeStreams : IAmazonDynamoDBStreams
{
    public List<(Shard Shard, List<StreamRecord> Records)> Shards { get; } = new();

    private readonly List<GetShardIteratorRequest> _iteratorRequests = new();
    private int _getRecordsCalls;

    /// <summary>When every fake record reached the stream (its ApproximateCreationDateTime).</summary>
    public static readonly DateTimeOffset Arrival = DateTimeOffset.FromUnixTimeSeconds(1767225600);

    public List<GetShardIteratorRequest> IteratorRequests { get { lock (_iteratorRequests) { return _iteratorRequests.ToList(); } } }

    public int GetRecordsCalls => Volatile.Read(ref _getRecordsCalls);

    /// <summary>GetRecords calls still to answer with a throttling error (the per-shard read limit).</summary>
    public int ThrottlesLeft { get; set; }

    /// <summary>Positions whose iterator is answered once with ExpiredIteratorException (an iterator unused for 15 minutes).</summary>
    public HashSet<string> ExpireOnce { get; } = new(StringComparer.Ordinal);

    /// <summary>Positions whose GetRecords fails once with an error that is neither throttling nor an expiry.</summary>
    public HashSet<string> FailOnce { get; } = new(StringComparer.Ordinal);

    /// <summary>Per shard, the sequence numbers before this one have left the stream (older than 24 hours).</summary>
    public Dictionary<string, long> TrimmedBefore { get; } = new(StringComparer.Ordinal);

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

    // What the service answers for a sequence number older than the stream's 24 hours.
    private static OrderMonitoring.Aws.AwsServiceException Trimmed() =>
        new("DynamoDBStreams", "GetShardIterator", "TrimmedDataAccessException", "The requested sequence number is beyond the trim horizon.", null,
            System.Net.HttpStatusCode.BadRequest, isRetryable: false);

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
        lock (_iteratorRequests)
        {
            _iteratorRequests.Add(request);
        }

        if (request.SequenceNumber is { } asked && TrimmedBefore.TryGetValue(request.ShardId, out var oldest) && long.Parse(asked) < oldest)
        {
            throw Trimmed();
        }

        var records = Shards.Single(s => s.Shard.ShardId == request.ShardId).Records;
        var position = request.ShardIteratorType switch
        {
            ShardIteratorType.LATEST => records.Count,
            ShardIteratorType.AFTER_SEQUENCE_NUMBER => records.FindIndex(r => r.Dynamodb!.SequenceNumber == request.SequenceNumber) + 1,
            ShardIteratorType.AT_SEQUENCE_NUMBER => records.FindIndex(r => r.Dynamodb!.SequenceNumber == request.SequenceNumber),
            // The trim horizon: the oldest record the stream still holds.
            _ => TrimmedBefore.TryGetValue(request.ShardId, out var first) ? records.FindIndex(r => long.Parse(r.Dynamodb!.SequenceNumber!) >= first) : 0,
        };
        if (position < 0)
        {
            // What the service answers for a sequence number older than the stream's 24 hours.
            throw Trimmed();
        }

        return Task.FromResult(new GetShardIteratorResponse { ShardIterator = $"{request.ShardId}|{position}" });
    }

    public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _getRecordsCalls);
        lock (ExpireOnce)
        {
            if (ThrottlesLeft > 0)
            {
                ThrottlesLeft--;
                throw new OrderMonitoring.Aws.AwsServiceException("DynamoDBStreams", "GetRecords", "LimitExceededException",
                    "Too many requests for this shard.", null, System.Net.HttpStatusCode.BadRequest, isRetryable: true);
            }

            if (FailOnce.Remove(request.ShardIterator))
            {
                throw new OrderMonitoring.Aws.AwsServiceException("DynamoDBStreams", "GetRecords", "InternalServerError",
                    "The service failed.", null, System.Net.HttpStatusCode.InternalServerError, isRetryable: true);
            }

            if (ExpireOnce.Remove(request.ShardIterator))
            {
                throw new OrderMonitoring.Aws.AwsServiceException("DynamoDBStreams", "GetRecords", "ExpiredIteratorException",
                    "Iterator expired.", null, System.Net.HttpStatusCode.BadRequest, isRetryable: false);
            }
        }

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

    public ShardCheckpoint? Get(string streamArn, string shardId)
    {
        lock (Saved)
        {
            return Saved.TryGetValue(shardId, out var checkpoint) ? checkpoint : null;
        }
    }

    public void Save(string streamArn, string shardId, ShardCheckpoint checkpoint)
    {
        lock (Saved)
        {
            Saved[shardId] = checkpoint;
        }
    }

    public IReadOnlyDictionary<string, ShardCheckpoint> All(string streamArn)
    {
        lock (Saved)
        {
            return new Dictionary<string, ShardCheckpoint>(Saved, StringComparer.Ordinal);
        }
    }

    public int Claims { get; private set; }

    public IDisposable Claim(string streamArn)
    {
        Claims++;
        return new MemoryStream();
    }
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
