using System.Globalization;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Processor.Observability;
using OrderMonitoring.Processor.Storage;

namespace OrderMonitoring.Processor.Digests;

/// <summary>What one sealing did: the seal as built, and whether this sealer stored it (false: another wrote that second).</summary>
public sealed record SealOutcome(SealDocument Seal, bool Written);

/// <summary>
/// Writes a <see cref="SealDocument"/>: lists the digest folders of the days since the previous seal (one day of
/// margin), names every chain's head with the SHA-256 of its current bytes, links the newest existing seal, signs
/// with the digest key and stores it with If-None-Match: *. Signing never blocks the seal: without a signature it is
/// written unsigned with the reason (it seals nothing, but keeps the chain of seals and the cadence).
/// </summary>
public sealed class SealWriter
{
    /// <summary>How many days back the previous seal is looked for; the first seal of a bucket lists this many days of digests.</summary>
    public const int LookBackDays = 7;

    private const int ReadsInFlight = 16;

    private readonly ISealStore _store;
    private readonly IDigestSigner? _signer;
    private readonly string _unsignedReason;
    private readonly ProcessorLog _log;
    private readonly string _environment;
    private readonly TimeSpan _attemptTimeout;
    private readonly TimeProvider _time;

    /// <param name="store">The audit bucket.</param>
    /// <param name="signer">The digest key; null writes the seal unsigned with <paramref name="unsignedReason"/>.</param>
    /// <param name="unsignedReason">Why there is no signer.</param>
    /// <param name="interval">The interval the seal promises the next one by.</param>
    /// <param name="log">The processor's log.</param>
    /// <param name="options">Environment, signing attempt's bound and clock.</param>
    public SealWriter(ISealStore store, IDigestSigner? signer, string? unsignedReason, SealInterval interval, ProcessorLog log, Batch.BatchProcessorOptions options)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _signer = signer;
        _unsignedReason = unsignedReason ?? "no signing key is configured";
        Interval = interval ?? throw new ArgumentNullException(nameof(interval));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _environment = (options ?? throw new ArgumentNullException(nameof(options))).Environment;
        _attemptTimeout = options.AttemptTimeout;
        _time = options.Time;
    }

    public SealInterval Interval { get; }

    /// <summary>Builds, signs and stores one seal; S3 failures throw (the schedule's invocation is retried), signing failures do not.</summary>
    public async Task<SealOutcome> WriteAsync(CancellationToken cancellationToken)
    {
        var sealedAt = _time.GetUtcNow();
        var today = sealedAt.UtcDateTime.Date;
        var previous = await NewestSealAsync(today, cancellationToken).ConfigureAwait(false);
        // Chains still writing into the previous seal's day (or the day before, across midnight) must be listed again.
        var firstDay = previous is { } found ? DayOf(found.Link.Key).AddDays(-1) : today.AddDays(-LookBackDays);
        var heads = await HeadsAsync(firstDay, today, previous?.Heads ?? NoHeads, cancellationToken).ConfigureAwait(false);

        var seal = new SealDocument
        {
            Environment = _environment,
            SealedAt = sealedAt,
            NextSealBy = Interval.NextSealBy(sealedAt),
            Previous = previous?.Link,
            Heads = heads,
        };
        var signed = await SigningAttempt.SignAsync(_signer, _unsignedReason, seal.SigningMessage(), _attemptTimeout, cancellationToken).ConfigureAwait(false);
        seal = seal with { Signature = signed.Signature, Unsigned = signed.Unsigned };

        if (!await _store.PutIfAbsentAsync(seal.Key, seal.ToJson(), cancellationToken).ConfigureAwait(false))
        {
            // Two sealers in one second (a retried invocation beside a hand seal): the other's seal stands; this one adds nothing.
            _log.Log(ProcessorLogLevel.Info, "Another sealer wrote this second's seal; this one was not written.", ("sealKey", seal.Key));
            return new SealOutcome(seal, Written: false);
        }

        if (seal.Unsigned is { } reason)
        {
            _log.Log(ProcessorLogLevel.Warn, "The seal was written unsigned: it seals nothing until a later signed seal links past it.", ("sealKey", seal.Key), ("reason", reason));
        }
        else
        {
            _log.Log(ProcessorLogLevel.Info, "Seal written.", ("sealKey", seal.Key), ("heads", seal.Heads.Count), ("previous", seal.Previous?.Key));
        }

        return new SealOutcome(seal, Written: true);
    }

    private static readonly IReadOnlyDictionary<string, SealedHead> NoHeads = new Dictionary<string, SealedHead>(StringComparer.Ordinal);

    /// <summary>
    /// The newest seal stored (by key, which orders by time) within <see cref="LookBackDays"/>, linked by its exact bytes,
    /// with the heads it names by chain (empty when it cannot be read as a seal); null for the first seal.
    /// </summary>
    private async Task<(DigestLink Link, IReadOnlyDictionary<string, SealedHead> Heads)?> NewestSealAsync(DateTime today, CancellationToken cancellationToken)
    {
        for (var day = today; day >= today.AddDays(-LookBackDays); day = day.AddDays(-1))
        {
            var keys = await _store.ListKeysAsync(AuditKey.SealsPrefix + Day(day) + "/", null, cancellationToken).ConfigureAwait(false);
            foreach (var key in keys.Where(IsSealKey).OrderByDescending(key => key, StringComparer.Ordinal))
            {
                // Deleted between the listing and the read: the one before it is the newest there is.
                if (await _store.ReadAsync(key, cancellationToken).ConfigureAwait(false) is { } bytes)
                {
                    return (new DigestLink(key, Sha256Hex.Of(bytes)), HeadsNamedBy(key, bytes));
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The previous seal's heads, only as where to start listing each chain: whatever they say, every key after them is
    /// listed and a head is named only from bytes read now, so a seal changed by hand cannot make this one vouch for
    /// anything that is not there (at worst a chain is listed whole).
    /// </summary>
    private static IReadOnlyDictionary<string, SealedHead> HeadsNamedBy(string key, byte[] bytes)
    {
        try
        {
            var heads = new Dictionary<string, SealedHead>(StringComparer.Ordinal);
            foreach (var head in SealDocument.Parse(System.Text.Encoding.UTF8.GetString(bytes), key).Heads.Where(h => DigestKeyParts(h.Key) is { } parts && parts.Chain == h.Chain))
            {
                heads[head.Chain] = head;
            }

            return heads;
        }
        catch (InvalidDataException)
        {
            return NoHeads;
        }
    }

    /// <summary>Every chain's highest position in the listed days that can still be read, with its hash, ordered by key.</summary>
    private async Task<IReadOnlyList<SealedHead>> HeadsAsync(DateTime firstDay, DateTime lastDay, IReadOnlyDictionary<string, SealedHead> previousHeads,
        CancellationToken cancellationToken)
    {
        // One folder per chain and day: listed side by side, each from after the chain's previous head (a busy chain
        // writes a digest a second; listing its day whole at every seal would outlast the function's timeout).
        var folders = new List<string>();
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            folders.AddRange(await _store.ListFoldersAsync(AuditKey.DigestsPrefix + Day(day) + "/", cancellationToken).ConfigureAwait(false));
        }

        var chainFolders = folders.Select(folder => (Folder: folder, Chain: folder.Split('/')[2]))
            .Where(f => AuditKey.IsValidChainId(f.Chain))
            .GroupBy(f => f.Chain, f => f.Folder, StringComparer.Ordinal)
            .ToList();
        var heads = await BoundedConcurrency.MapAsync(chainFolders, ReadsInFlight,
            chain => HeadOfAsync(chain.Key, chain.ToList(), previousHeads.TryGetValue(chain.Key, out var previous) ? previous : null, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return heads.OfType<SealedHead>().OrderBy(head => head.Key, StringComparer.Ordinal).ToList();
    }

    private async Task<SealedHead?> HeadOfAsync(string chain, IReadOnlyList<string> folders, SealedHead? previous, CancellationToken cancellationToken)
    {
        var since = await DigestsOfAsync(chain, folders, previous?.Key, cancellationToken).ConfigureAwait(false);
        if (previous is not null && folders.Any(folder => previous.Key.StartsWith(folder, StringComparison.Ordinal)))
        {
            // Nothing after it may mean it is still the head: it is named again only if its bytes can be read now.
            since.Add((previous.Position, previous.Key));
        }

        return await FirstReadableAsync(chain, since, cancellationToken).ConfigureAwait(false)
            // The previous head and everything after it are gone (or the previous seal named what never was): the chain whole.
            ?? (previous is null ? null : await FirstReadableAsync(chain, await DigestsOfAsync(chain, folders, null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));
    }

    private async Task<List<(long Position, string Key)>> DigestsOfAsync(string chain, IReadOnlyList<string> folders, string? startAfter, CancellationToken cancellationToken)
    {
        var digests = new List<(long Position, string Key)>();
        foreach (var folder in folders)
        {
            foreach (var key in await _store.ListKeysAsync(folder, startAfter, cancellationToken).ConfigureAwait(false))
            {
                // Keys this scheme did not make (an object written by hand) name no chain: the verifier reports them, a seal does not vouch.
                if (DigestKeyParts(key) is { } parts && parts.Chain == chain)
                {
                    digests.Add((parts.Position, key));
                }
            }
        }

        return digests;
    }

    private async Task<SealedHead?> FirstReadableAsync(string chain, List<(long Position, string Key)> digests, CancellationToken cancellationToken)
    {
        foreach (var (position, key) in digests.OrderByDescending(d => d.Position))
        {
            // A head deleted since the listing is not named: the seal vouches only for bytes it read.
            if (await _store.ReadAsync(key, cancellationToken).ConfigureAwait(false) is { } bytes)
            {
                return new SealedHead(chain, position, key, Sha256Hex.Of(bytes));
            }
        }

        return null;
    }

    /// <summary>The chain and position of a key <see cref="AuditKey.ForDigest"/> makes; null for any other key.</summary>
    internal static (string Chain, long Position)? DigestKeyParts(string key)
    {
        var parts = key.Split('/');
        if (parts.Length != 4 || parts[0] + "/" != AuditKey.DigestsPrefix || !AuditKey.IsValidChainId(parts[2]) || !parts[3].EndsWith(".json", StringComparison.Ordinal)
            || !DateTime.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day)
            || !long.TryParse(parts[3].Substring(0, parts[3].Length - ".json".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            || position < 1)
        {
            return null;
        }

        // Exactly the key the scheme makes (12 digits, that day): "digests/d/c/1.json" is not the digest at position 1.
        return AuditKey.ForDigest(parts[2], Math.Min(position, 999_999_999_999), new DateTimeOffset(day, TimeSpan.Zero)) == key ? (parts[2], position) : null;
    }

    private static bool IsSealKey(string key) =>
        DateTime.TryParseExact(key.Substring(key.LastIndexOf('/') + 1), "yyyyMMdd'T'HHmmss'Z'.'json'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var sealedAt)
        && AuditKey.ForSeal(new DateTimeOffset(sealedAt, TimeSpan.Zero)) == key;

    private static DateTime DayOf(string sealKey) =>
        DateTime.ParseExact(sealKey.Substring(AuditKey.SealsPrefix.Length, "yyyy-MM-dd".Length), "yyyy-MM-dd", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    private static string Day(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
