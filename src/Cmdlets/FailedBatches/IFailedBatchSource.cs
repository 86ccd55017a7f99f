namespace OrderMonitoring.Cmdlets.FailedBatches;

/// <summary>
/// Where failed batches wait to be replayed: the failed-batches bucket (whole records) or the failure queue of an
/// older stack (metadata only). A batch leaves the source only through <see cref="MarkReplayedAsync"/>.
/// </summary>
internal interface IFailedBatchSource
{
    /// <summary>Where the source is, for messages ("s3://bucket", the queue's URL).</summary>
    string Location { get; }

    /// <summary>What <see cref="MarkReplayedAsync"/> does, for -WhatIf ("mark the batch replayed").</summary>
    string WhenReplayed { get; }

    /// <summary>How a message names one failed batch of this source.</summary>
    string SourceOf(string key);

    /// <summary>Keys of the failure records not yet replayed, oldest first.</summary>
    Task<IReadOnlyList<string>> ListPendingAsync(CancellationToken cancellationToken);

    Task<string> ReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Marks a failure record replayed (or removes it); <paramref name="note"/> says when and what it came to.</summary>
    Task MarkReplayedAsync(string key, string note, CancellationToken cancellationToken);
}
