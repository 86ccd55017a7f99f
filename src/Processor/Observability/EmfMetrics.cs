using System.Text.Json;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Batch;
using OrderMonitoring.Processor.Template;

namespace OrderMonitoring.Processor.Observability;

/// <summary>The per-batch CloudWatch Embedded Metric Format line (namespace OrderMonitoring, dimension Environment).</summary>
public static class EmfMetrics
{
    public const string Namespace = TemplateContract.ProcessorMetrics.Namespace;

    /// <summary>One EMF JSON line holding the batch's counts and its processing lag.</summary>
    public static string Format(string environment, BatchResult counts, long? processingLagMs, DateTimeOffset at) =>
        JsonOutput.Write(writer =>
        {
            var metrics = ProcessorMetricValues.Of(counts, processingLagMs);
            writer.WriteStartObject();
            WriteMetadata(writer, metrics, at);
            writer.WriteString(TemplateContract.ProcessorMetrics.EnvironmentDimension, environment);
            foreach (var (name, _, value) in metrics)
            {
                writer.WriteNumber(name, value);
            }

            writer.WriteEndObject();
        });

    private static void WriteMetadata(Utf8JsonWriter writer, IReadOnlyList<ProcessorMetricValue> metrics, DateTimeOffset at)
    {
        writer.WriteStartObject("_aws");
        writer.WriteNumber("Timestamp", at.ToUnixTimeMilliseconds());
        writer.WriteStartArray("CloudWatchMetrics");
        writer.WriteStartObject();
        writer.WriteString("Namespace", Namespace);
        writer.WriteStartArray("Dimensions");
        writer.WriteStartArray();
        writer.WriteStringValue(TemplateContract.ProcessorMetrics.EnvironmentDimension);
        writer.WriteEndArray();
        writer.WriteEndArray();
        writer.WriteStartArray("Metrics");
        foreach (var (name, unit, _) in metrics)
        {
            writer.WriteStartObject();
            writer.WriteString("Name", name);
            writer.WriteString("Unit", unit);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
