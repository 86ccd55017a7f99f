using System.Globalization;
using System.Text.Json;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Processor.Digests;

/// <summary>One chain's newest digest when a seal was made: the chain, its position, the digest's key and the SHA-256 (hex) of its exact stored bytes.</summary>
public sealed record SealedHead(string Chain, long Position, string Key, string Sha256);

/// <summary>
/// A seal: a signed statement, made on a schedule by the processor's key, naming the newest digest (head) of every
/// chain that wrote since the previous seal, and linking to that previous seal by key and hash. It closes the two
/// gaps a chain alone leaves (the model is CloudTrail's hourly digest, delivered whether or not anything was logged):
/// a chain's unsigned tail whose writer never signs again is sealed, because the seal's signature covers the head's
/// hash and the head links back through every digest before it; and deleting every version of a chain's last digests
/// is found, because a seal names the head that was there. <see cref="NextSealBy"/> says when the next seal is due,
/// so a verifier also finds seals deleted from the end. Stored under <see cref="AuditKey.ForSeal"/>.
/// </summary>
public sealed record SealDocument
{
    public const int CurrentSchemaVersion = 1;

    // Another statement than a digest's or a repair record's: a signature over one kind of document never verifies as another.
    private const string SigningStatementPrefix = "order-monitoring-seal-v1:";

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public string Environment { get; init; } = string.Empty;

    /// <summary>When the digests were listed: every head named was there then.</summary>
    public DateTimeOffset SealedAt { get; init; }

    /// <summary>When the next seal is due at the latest (the schedule's interval plus a grace); a verifier reports no seal by then.</summary>
    public DateTimeOffset NextSealBy { get; init; }

    /// <summary>The previous seal (key and SHA-256 of its exact stored bytes); null only for the first seal of a bucket.</summary>
    public DigestLink? Previous { get; init; }

    /// <summary>The head of every chain that wrote a digest since the previous seal, ordered by key.</summary>
    public IReadOnlyList<SealedHead> Heads { get; init; } = Array.Empty<SealedHead>();

    public DigestSignature? Signature { get; init; }

    /// <summary>Why the seal is not signed (signing failed, no key); null when signed. An unsigned seal seals nothing.</summary>
    public string? Unsigned { get; init; }

    /// <summary>Where the seal is stored.</summary>
    public string Key => AuditKey.ForSeal(SealedAt);

    /// <summary>The bytes the signature covers: the document without <c>signature</c>/<c>unsigned</c>.</summary>
    public byte[] CanonicalBytes() => JsonOutput.Utf8.GetBytes(JsonOutput.Write(writer => Write(writer, withSignature: false)));

    /// <summary>The message handed to KMS Sign and to verification (see <see cref="DigestDocument.SigningMessage"/>).</summary>
    public byte[] SigningMessage() => JsonOutput.Utf8.GetBytes(SigningStatementPrefix + Sha256Hex.Of(CanonicalBytes()));

    /// <summary>The stored text.</summary>
    public string ToJson() => JsonOutput.Write(writer => Write(writer, withSignature: true));

    /// <summary>This seal as the next one's link.</summary>
    public DigestLink ToLink() => new(Key, Sha256Hex.Of(JsonOutput.Utf8.GetBytes(ToJson())));

    /// <summary>Reads a stored seal; throws <see cref="InvalidDataException"/> when the text is not a seal.</summary>
    public static SealDocument Parse(string json, string source) => SignedJson.Parse(json, source, "a seal", root => new SealDocument
        {
            SchemaVersion = root.GetProperty("schemaVersion").GetInt32(),
            Environment = root.GetProperty("environment").GetString() ?? string.Empty,
            SealedAt = ReadTime(root, "sealedAt"),
            NextSealBy = ReadTime(root, "nextSealBy"),
            Previous = SignedJson.ReadPrevious(root),
            Heads = root.GetProperty("heads").EnumerateArray()
                .Select(h => new SealedHead(h.GetProperty("chain").GetString()!, h.GetProperty("position").GetInt64(), h.GetProperty("key").GetString()!, h.GetProperty("sha256").GetString()!))
                .ToList(),
            Signature = SignedJson.ReadSignature(root),
            Unsigned = SignedJson.Text(root, "unsigned"),
        });

    private static DateTimeOffset ReadTime(JsonElement root, string name) =>
        DateTimeOffset.Parse(root.GetProperty(name).GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    // One fixed order and one encoding: the canonical bytes of a parsed seal are the bytes that were signed.
    private void Write(Utf8JsonWriter writer, bool withSignature)
    {
        writer.WriteStartObject();
        writer.WriteNumber("schemaVersion", SchemaVersion);
        writer.WriteString("environment", Environment);
        writer.WriteString("sealedAt", AuditDocument.Iso(SealedAt));
        writer.WriteString("nextSealBy", AuditDocument.Iso(NextSealBy));
        SignedJson.WritePrevious(writer, Previous);

        writer.WriteStartArray("heads");
        foreach (var head in Heads)
        {
            writer.WriteStartObject();
            writer.WriteString("chain", head.Chain);
            writer.WriteNumber("position", head.Position);
            writer.WriteString("key", head.Key);
            writer.WriteString("sha256", head.Sha256);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (withSignature)
        {
            SignedJson.WriteSignatureOrReason(writer, Signature, Unsigned);
        }

        writer.WriteEndObject();
    }
}
