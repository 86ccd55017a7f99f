using System.Text.Json;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Digests;
using OrderMonitoring.Processor.Template;

namespace OrderMonitoring.Processor.Lambda;

/// <summary>
/// The seal schedule's invocation: the EventBridge rule's constant input <see cref="TemplateContract.Seals.Input"/>,
/// told apart from a stream event without reading a stream event twice, and the small JSON answer a seal gives.
/// </summary>
internal static class SealInvocation
{
    // The constant input is 26 bytes; a little room for whitespace a console edit may add. A stream event with a record is far longer.
    private const int MaxInputLength = 256;

    /// <summary>True when <paramref name="input"/> (seekable, at its start) is the seal input; the position is back at the start after.</summary>
    public static async Task<bool> IsSealInputAsync(Stream input, CancellationToken cancellationToken)
    {
        if (input.Length > MaxInputLength)
        {
            return false;
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(input, default, cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.EnumerateObject().Count() == 1
                && root.TryGetProperty("orderMonitoring", out var value)
                && value.ValueKind == JsonValueKind.String && value.GetString() == "seal";
        }
        catch (JsonException)
        {
            // Not JSON: the stream event reader says what is wrong with it.
            return false;
        }
        finally
        {
            input.Position = 0;
        }
    }

    /// <summary>A seekable copy of the invocation's input (the runtime's own stream when it already is one).</summary>
    public static async Task<Stream> SeekableAsync(Stream input, CancellationToken cancellationToken)
    {
        if (input.CanSeek)
        {
            return input;
        }

        var copy = new MemoryStream();
        await input.CopyToAsync(copy, 81920, cancellationToken).ConfigureAwait(false);
        copy.Position = 0;
        return copy;
    }

    /// <summary><c>{"seal":key,"written":bool,"heads":n,"previous":key|null,"signed":bool,"unsigned":reason|null}</c>.</summary>
    public static Stream WriteResponse(SealOutcome outcome)
    {
        var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output, JsonOutput.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("seal", outcome.Seal.Key);
            writer.WriteBoolean("written", outcome.Written);
            writer.WriteNumber("heads", outcome.Seal.Heads.Count);
            writer.WriteString("previous", outcome.Seal.Previous?.Key);
            writer.WriteBoolean("signed", outcome.Seal.Signature is not null);
            writer.WriteString("unsigned", outcome.Seal.Unsigned);
            writer.WriteEndObject();
        }

        output.Position = 0;
        return output;
    }
}
