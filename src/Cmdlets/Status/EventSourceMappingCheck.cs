using OrderMonitoring.Aws;

namespace OrderMonitoring.Cmdlets.Status;

/// <summary>What the event source mapping check found: the mappings, one state to show, and why it is not healthy.</summary>
internal sealed record EventSourceMappingFindings(string ProcessorTrigger, string State, IReadOnlyList<EventSourceMappingStatus> Mappings,
    IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings);

/// <summary>
/// Judges the processor function's event source mappings: with ProcessorTrigger Lambda, a missing, disabled or failing
/// mapping means nobody processes the order stream (no alarm fires for that: no invocations, no errors). With
/// ProcessorTrigger External no mapping is expected.
/// </summary>
internal sealed class EventSourceMappingCheck
{
    public const string NoMapping = "None";
    public const string NotChecked = "Unknown";
    private const string Enabled = "Enabled";

    /// <summary>Lambda's LastProcessingResult values that mean the function is fed without trouble.</summary>
    private static readonly string[] HealthyResults = { "OK", "No records processed" };

    private readonly IEventSourceMappingSource _source;

    public EventSourceMappingCheck(IEventSourceMappingSource source) => _source = source;

    public async Task<EventSourceMappingFindings> CheckAsync(OrderMonitoring.Stack stack, CancellationToken cancellationToken)
    {
        var trigger = string.IsNullOrEmpty(stack.ProcessorTrigger) ? TemplateContract.ProcessorTriggers.Lambda : stack.ProcessorTrigger!;
        if (string.IsNullOrEmpty(stack.FunctionName))
        {
            return Unchecked(trigger, $"The stack {stack.StackName} names no processor function; its event source mapping was not checked.");
        }

        IReadOnlyList<EventSourceMappingStatus> mappings;
        try
        {
            mappings = await _source.GetAsync(stack.FunctionName!, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException error) when (!error.IsRetryable)
        {
            return Unchecked(trigger, $"The event source mapping of {stack.FunctionName} was not checked: Lambda answered {error.ErrorCode}: {error.Message} "
                + "(reading it needs lambda:ListEventSourceMappings).");
        }

        var reasons = new List<string>();
        if (mappings.Count == 0)
        {
            if (trigger == TemplateContract.ProcessorTriggers.Lambda)
            {
                reasons.Add($"The processor function {stack.FunctionName} has no event source mapping: nothing processes the order stream "
                    + "(redeploy with New-OrderMonitoringStack).");
            }

            return new EventSourceMappingFindings(trigger, NoMapping, mappings, reasons, Array.Empty<string>());
        }

        foreach (var mapping in mappings)
        {
            reasons.AddRange(ReasonsFor(mapping, stack.FunctionName!));
        }

        var state = string.Join(", ", mappings.Select(mapping => mapping.State).Distinct(StringComparer.Ordinal));
        return new EventSourceMappingFindings(trigger, state, mappings, reasons, Array.Empty<string>());
    }

    private static IEnumerable<string> ReasonsFor(EventSourceMappingStatus mapping, string functionName)
    {
        if (mapping.State != Enabled)
        {
            var why = string.IsNullOrEmpty(mapping.StateTransitionReason) ? "" : $" ({mapping.StateTransitionReason})";
            yield return $"The event source mapping {mapping.Uuid} of {functionName} is {mapping.State}{why}: the order stream is not being processed.";
        }

        // Lambda leaves the result empty until the mapping has polled once; that is not a failure.
        if (!string.IsNullOrEmpty(mapping.LastProcessingResult) && !HealthyResults.Contains(mapping.LastProcessingResult, StringComparer.Ordinal))
        {
            yield return $"The event source mapping {mapping.Uuid} of {functionName} reports a problem: {mapping.LastProcessingResult}.";
        }
    }

    private static EventSourceMappingFindings Unchecked(string trigger, string warning) =>
        new(trigger, NotChecked, Array.Empty<EventSourceMappingStatus>(), Array.Empty<string>(), new[] { warning });
}
