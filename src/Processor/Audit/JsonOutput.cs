using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrderMonitoring.Processor.Audit;

/// <summary>How every JSON document the processor writes is encoded: UTF-8 without BOM, non-ASCII kept readable.</summary>
internal static class JsonOutput
{
    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    // Relaxed escaping keeps order ids like "café" readable; the documents are never embedded in HTML.
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return Utf8.GetString(buffer.ToArray());
    }
}
