using System.Globalization;
using System.Text.Json;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Audit;

namespace OrderMonitoring.Processor.Digests;

/// <summary>One object a digest vouches for: its key, the SHA-256 (hex) of the exact bytes written, and the stream record it came from.</summary>
public sealed record DigestEntry(string Key, string Sha256, string? SequenceNumber, string? EventId);

/// <summary>A digest's link to the previous digest of its chain: that digest's key and the SHA-256 (hex) of its exact stored bytes.</summary>
public sealed record DigestLink(string Key, string Sha256);

/// <summary>The signature of a digest: the KMS key that made it, the algorithm, and the DER signature (base64) as KMS returns it.</summary>
public sealed record DigestSignature(string KeyId, string Algorithm, string Value);

/// <summary>
/// The digest document: the one place that names its fields, writes them and reads them back. A digest lists every
/// audit and quarantine object one batch wrote (key, SHA-256 of the exact bytes, sequence number, event id) and names
/// the previous digest of its chain by key and hash, so a changed or missing digest breaks the chain. The signature
/// covers <see cref="CanonicalBytes"/>: every field but the signature itself, always written the same way, so a reader
/// rebuilds the signed bytes from a parsed document. An unsigned digest (signing failed) says why in <see cref="Unsigned"/>;
/// the next signed digest of its chain seals it, because that signature covers the hash of the unsigned one's bytes.
/// </summary>
public sealed record DigestDocument
{
    /// <summary>Bumped whenever a field changes meaning.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The KMS signing algorithm of every signature (key spec ECC_NIST_P256).</summary>
    public const string SigningAlgorithm = "ECDSA_SHA_256";

    // What KMS signs (RAW, ECDSA over SHA-256 of these bytes): a short statement naming the canonical bytes' SHA-256.
    // A RAW KMS message is limited to 4,096 bytes, which a batch's digest exceeds; the statement never does.
    private const string SigningStatementPrefix = "order-monitoring-digest-v1:";

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>The chain this digest belongs to (one writer's batches, one after another; see <see cref="DigestChain"/>).</summary>
    public string Chain { get; init; } = string.Empty;

    /// <summary>1 for a chain's first digest, then one more per batch (a batch whose digest was not written leaves a gap; links never skip).</summary>
    public long Position { get; init; }

    public string Environment { get; init; } = string.Empty;

    /// <summary>The stream the batch came from (its records' eventSourceARN); null when no record named one.</summary>
    public string? StreamArn { get; init; }

    /// <summary>The shard, when the caller knows it (Lambda's DynamoDB events do not name it).</summary>
    public string? ShardId { get; init; }

    public DateTimeOffset WrittenAt { get; init; }

    /// <summary>The previous digest of the chain; null only for a chain's first digest.</summary>
    public DigestLink? Previous { get; init; }

    /// <summary>The objects written, in the batch's stream order.</summary>
    public IReadOnlyList<DigestEntry> Objects { get; init; } = Array.Empty<DigestEntry>();

    public DigestSignature? Signature { get; init; }

    /// <summary>Why the digest is not signed (KMS throttled, unreachable, the key disabled, no key configured); null when signed.</summary>
    public string? Unsigned { get; init; }

    /// <summary>Where the digest is stored.</summary>
    public string Key => AuditKey.ForDigest(Chain, Position, WrittenAt);

    /// <summary>The bytes the signature covers: the document without <c>signature</c>/<c>unsigned</c>.</summary>
    public byte[] CanonicalBytes() => JsonOutput.Utf8.GetBytes(JsonOutput.Write(writer => Write(writer, withSignature: false)));

    /// <summary>The message handed to KMS Sign (and to ECDSA verification): the statement naming the canonical bytes' SHA-256.</summary>
    public byte[] SigningMessage() => JsonOutput.Utf8.GetBytes(SigningStatementPrefix + Sha256Hex.Of(CanonicalBytes()));

    /// <summary>The stored text.</summary>
    public string ToJson() => JsonOutput.Write(writer => Write(writer, withSignature: true));

    /// <summary>The exact bytes stored (what the next digest's <see cref="DigestLink.Sha256"/> hashes).</summary>
    public byte[] ToBytes() => JsonOutput.Utf8.GetBytes(ToJson());

    /// <summary>This digest as the next one's link.</summary>
    public DigestLink ToLink() => new(Key, Sha256Hex.Of(ToBytes()));

    /// <summary>Reads a stored digest; throws <see cref="InvalidDataException"/> when the text is not a digest.</summary>
    public static DigestDocument Parse(string json, string source) => SignedJson.Parse(json, source, "a digest", root => new DigestDocument
        {
            SchemaVersion = root.GetProperty("schemaVersion").GetInt32(),
            Chain = root.GetProperty("chain").GetString() ?? string.Empty,
            Position = root.GetProperty("position").GetInt64(),
            Environment = root.GetProperty("environment").GetString() ?? string.Empty,
            StreamArn = SignedJson.Text(root, "streamArn"),
            ShardId = SignedJson.Text(root, "shardId"),
            WrittenAt = DateTimeOffset.Parse(root.GetProperty("writtenAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            Previous = SignedJson.ReadPrevious(root),
            Objects = root.GetProperty("objects").EnumerateArray()
                .Select(o => new DigestEntry(o.GetProperty("key").GetString()!, o.GetProperty("sha256").GetString()!, SignedJson.Text(o, "sequenceNumber"), SignedJson.Text(o, "eventId")))
                .ToList(),
            Signature = SignedJson.ReadSignature(root),
            Unsigned = SignedJson.Text(root, "unsigned"),
        });

    // One fixed order and one encoding (JsonOutput): the canonical bytes of a parsed digest are the bytes that were signed.
    private void Write(Utf8JsonWriter writer, bool withSignature)
    {
        writer.WriteStartObject();
        writer.WriteNumber("schemaVersion", SchemaVersion);
        writer.WriteString("chain", Chain);
        writer.WriteNumber("position", Position);
        writer.WriteString("environment", Environment);
        SignedJson.WriteTextOrNull(writer, "streamArn", StreamArn);
        SignedJson.WriteTextOrNull(writer, "shardId", ShardId);
        writer.WriteString("writtenAt", AuditDocument.Iso(WrittenAt));
        SignedJson.WritePrevious(writer, Previous);

        writer.WriteStartArray("objects");
        foreach (var entry in Objects)
        {
            writer.WriteStartObject();
            writer.WriteString("key", entry.Key);
            writer.WriteString("sha256", entry.Sha256);
            SignedJson.WriteTextOrNull(writer, "sequenceNumber", entry.SequenceNumber);
            SignedJson.WriteTextOrNull(writer, "eventId", entry.EventId);
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
