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

    // Room for a typical audit document or image at once: a buffer that starts empty is copied at every doubling.
    private const int TypicalDocumentBytes = 2048;

    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = WriteToBuffer(write);
        // Decoded straight from the buffer: no copy of the bytes first.
        return Utf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The document as UTF-8 bytes (what is hashed and stored) and as text, encoded once.</summary>
    public static (byte[] Utf8, string Text) WriteBoth(Action<Utf8JsonWriter> write)
    {
        using var buffer = WriteToBuffer(write);
        var bytes = buffer.ToArray();
        return (bytes, Utf8.GetString(bytes));
    }

    private static MemoryStream WriteToBuffer(Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream(TypicalDocumentBytes);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer;
    }
}
