namespace OrderMonitoring;

/// <summary>Where Invoke-OrderEventProcessor -FromStream starts reading a shard.</summary>
public enum StreamStartingPosition
{
    /// <summary>After the saved checkpoint; from the oldest record when the shard has none.</summary>
    Checkpoint,

    /// <summary>From the oldest record still in the stream (24 hours), ignoring checkpoints.</summary>
    TrimHorizon,

    /// <summary>Only records written from now on.</summary>
    Latest,
}
