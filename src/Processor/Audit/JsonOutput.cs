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

    // Room for a typical audit document at once; the pool hands out buffers of at least this size anyway.
    private const int TypicalDocumentBytes = 4096;

    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = WriteToBuffer(write);
        var written = buffer.Written;
        return Utf8.GetString(written.Array!, written.Offset, written.Count);
    }

    /// <summary>The document as UTF-8 bytes (what is hashed and stored) and as text, encoded once.</summary>
    public static (byte[] Utf8, string Text) WriteBoth(Action<Utf8JsonWriter> write)
    {
        using var buffer = WriteToBuffer(write);
        var written = buffer.Written;
        var bytes = new byte[written.Count];
        Buffer.BlockCopy(written.Array!, written.Offset, bytes, 0, written.Count);
        return (bytes, Utf8.GetString(bytes));
    }

    private static PooledBufferWriter WriteToBuffer(Action<Utf8JsonWriter> write)
    {
        var buffer = new PooledBufferWriter(TypicalDocumentBytes);
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                write(writer);
            }

            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }
}
