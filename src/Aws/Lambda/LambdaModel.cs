using System.Text.Json.Serialization;
using OrderMonitoring.Aws.Protocol.Json;

namespace OrderMonitoring.Aws.Lambda;

/// <summary>Input of ListEventSourceMappings (every member goes in the query string).</summary>
public sealed class ListEventSourceMappingsRequest
{
    /// <summary>The function's name or ARN: only its mappings.</summary>
    public string? FunctionName { get; set; }

    /// <summary>The event source's ARN (a stream, a queue): only its mappings.</summary>
    public string? EventSourceArn { get; set; }

    /// <summary>The previous page's <see cref="ListEventSourceMappingsResponse.NextMarker"/>.</summary>
    public string? Marker { get; set; }

    /// <summary>At most this many per page (the service answers at most 100).</summary>
    public int? MaxItems { get; set; }
}

/// <summary>Output of ListEventSourceMappings.</summary>
public sealed class ListEventSourceMappingsResponse
{
    public List<EventSourceMappingConfiguration> EventSourceMappings { get; set; } = new();

    public string? NextMarker { get; set; }
}

/// <summary>One event source mapping: the members the health check reads (the rest of the answer is ignored).</summary>
public sealed class EventSourceMappingConfiguration
{
    public string? UUID { get; set; }

    public string? EventSourceArn { get; set; }

    public string? FunctionArn { get; set; }

    /// <summary>Creating, Enabling, Enabled, Disabling, Disabled, Updating or Deleting.</summary>
    public string? State { get; set; }

    public string? StateTransitionReason { get; set; }

    /// <summary>"OK", "No records processed", or a "PROBLEM: ..." text.</summary>
    public string? LastProcessingResult { get; set; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTime? LastModified { get; set; }
}
