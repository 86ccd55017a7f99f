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

    /// <summary>
    /// One page of the keys of failure records not yet replayed, in replay order: the first page for a null
    /// <paramref name="next"/>, then the page its <see cref="PendingPage.Next"/> names. Only one page is held at a time,
    /// so a large backlog is replayed in bounded memory; batches marked replayed meanwhile do not move later pages.
    /// </summary>
    Task<PendingPage> ListPendingPageAsync(string? next, CancellationToken cancellationToken);

    Task<string> ReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Marks a failure record replayed (or removes it); <paramref name="note"/> says when and what it came to.</summary>
    Task MarkReplayedAsync(string key, string note, CancellationToken cancellationToken);
}

/// <summary>Keys of one page of pending failure records; <see cref="Next"/> is null on the last page.</summary>
internal sealed record PendingPage(IReadOnlyList<string> Keys, string? Next);
