using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrderMonitoring.Cmdlets.Stacks;

/// <summary>
/// The template as a change set's TemplateBody (at most 51,200 bytes): the indented file without its whitespace. A
/// deployment uploads the file itself and passes its URL; only a plan (-WhatIf), which uploads nothing, sends the body.
/// </summary>
internal static class TemplateBody
{
    public const int MaxBytes = 51_200;

    private static readonly JsonWriterOptions Compact = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The same JSON without insignificant whitespace; text that is not JSON is returned as it is (CloudFormation judges it).</summary>
    public static string Of(string template)
    {
        try
        {
            using var document = JsonDocument.Parse(template);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, Compact))
            {
                document.RootElement.WriteTo(writer);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException)
        {
            return template;
        }
    }

    public static bool Fits(string body) => Encoding.UTF8.GetByteCount(body) <= MaxBytes;
}
