using System.Collections.Concurrent;
using OrderMonitoring.Aws;
using OrderMonitoring.Processor.Audit;
using OrderMonitoring.Cmdlets.Foundation;
using OrderMonitoring.Cmdlets.Integrity;

namespace OrderMonitoring.Cmdlets.Reconciliation;

/// <summary>
/// What to check: every order (no ids) or the given ones; with <paramref name="Verified"/> every object is judged by
/// its digest too; with <paramref name="Part"/> only one part of a whole check (CI jobs splitting it).
/// </summary>
internal sealed record CheckRequest(string TableName, string BucketName, IReadOnlyList<string>? OrderIds, CheckScope Scope, VerifiedTrail? Verified = null,
    CheckPart? Part = null);

/// <summary>One of <paramref name="Total"/> parts of a whole check (-Segment/-TotalSegments), 0-based.</summary>
internal sealed record CheckPart(int Index, int Total)
{
    /// <summary>Whether this part owns a folder that no scan of the table claims (an order left only in the bucket), and the trail-wide findings.</summary>
    public bool Owns(string folder) => Total <= 1 || (int)(StableHash(folder) % (uint)Total) == Index;

    public bool OwnsTrailWide => Index == 0;

    // FNV-1a: the same in every process (string.GetHashCode is randomised per process).
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}

/// <summary>How wide to go: Scan segments in parallel, orders checked at once per segment, reads at once per order.</summary>
internal sealed record CheckOptions(int ScanSegments = 4, int MaxParallelOrders = 8, int MaxParallelReads = 8);

/// <summary>The totals and findings of a whole check.</summary>
internal sealed record CheckOutcome(int Orders, int Items, int AuditObjects, int PendingIgnored, IReadOnlyList<CheckedFinding> Findings, TimeSpan Duration)
{
    /// <summary>When the checked table was created, when known.</summary>
    public DateTimeOffset? TableCreated { get; init; }

    /// <summary>How many digests were verified; null when the trail was not verified.</summary>
    public int? DigestsVerified { get; init; }

    /// <summary>How many seals were checked; null when the trail was not verified.</summary>
    public int? SealsVerified { get; init; }
}

/// <summary>
/// Reconciles the order table with the audit bucket. Every order: parallel Scan segments; a segment's items arrive
/// grouped by order (DynamoDB keeps an order's items together), and each order is checked as soon as its items are
/// complete, so memory holds a page and the orders in flight, never the whole table or bucket. Orders left only in
/// the bucket (every item deleted) are found by listing the order folders afterwards.
/// </summary>
internal sealed class AuditLogChecker
{
    private const int ProgressEvery = 100;

    private readonly IOrderItemSource _table;
    private readonly IAuditVersionStore _store;
    private readonly CheckOptions _options;
    private readonly TimeProvider _time;
    private readonly OrderAuditTrailReader _trails;

    public AuditLogChecker(IOrderItemSource table, IAuditVersionStore store, CheckOptions options, TimeProvider time)
    {
        _table = table;
        _store = store;
        _options = options;
        _time = time;
        _trails = new OrderAuditTrailReader(store, options.MaxParallelReads);
    }

    public async Task<CheckOutcome> CheckAsync(CheckRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var tally = new CheckTally(reporter);
        var part = request.Part ?? new CheckPart(0, 1);
        if (request.OrderIds is { } ids)
        {
            await BoundedConcurrency.ForEachAsync(ids.Distinct(StringComparer.Ordinal).ToList(), _options.MaxParallelOrders,
                async (id, _) => tally.Add(PrefixOf(id) ?? id, await CheckOrderAsync(request, id, cancellationToken).ConfigureAwait(false)), cancellationToken)
                .ConfigureAwait(false);
        }
        else
        {
            // A whole verified check lists orders/ in pages of 1,000 versions (while the scan goes on) instead of once per order;
            // the listing stops with the check, whichever way the check ends.
            using var listingStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var prelisted = request.Verified is { IsWhole: true } ? PrelistedVersions.Start(_store, request.BucketName, listingStop.Token) : null;
            try
            {
                // A part scans its share of the table's segments: every part the same number, so the parts never overlap.
                var segments = Enumerable.Range(0, _options.ScanSegments).ToList();
                await BoundedConcurrency.ForEachAsync(segments, segments.Count, (segment, _) => ScanSegmentAsync(request, segment, tally, prelisted, cancellationToken),
                    cancellationToken).ConfigureAwait(false);
                foreach (var (prefix, orderId) in tally.SplitOrders())
                {
                    // Seen in two places of a scan: checked again from a Query so its items are complete.
                    tally.Replace(prefix, await CheckOrderAsync(request, orderId, cancellationToken).ConfigureAwait(false));
                }

                await CheckBucketOnlyOrdersAsync(request, tally, prelisted, cancellationToken).ConfigureAwait(false);
                if (prelisted is not null)
                {
                    // Its failure is the check's even when no folder was asked for.
                    await prelisted.CompletedAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                listingStop.Cancel();
            }

            if (request.Verified is { } verified && part.OwnsTrailWide)
            {
                tally.AddTrailWide(await JudgeQuarantineAsync(request.BucketName, verified, cancellationToken).ConfigureAwait(false));
            }
        }

        if (request.Verified is { } trail && part.OwnsTrailWide)
        {
            tally.AddTrailWide(trail.Findings.Select(f => TrailFindings.ToChecked(f, "", null)));
        }

        reporter.Progress(new OperationProgress(1, "Checking the audit log", "done", Completed: true));
        return tally.Outcome(_time.GetElapsedTime(started), request.Verified);
    }

    /// <summary>One order from a consistent Query of its items and a listing of its folder.</summary>
    public async Task<OrderCheck> CheckOrderAsync(CheckRequest request, string orderId, CancellationToken cancellationToken)
    {
        var items = await _table.ReadOrderAsync(request.TableName, orderId, cancellationToken).ConfigureAwait(false);
        if (PrefixOf(orderId) is not { } prefix)
        {
            return Unkeyable(orderId, items);
        }

        var trail = await _trails.ReadAsync(request.BucketName, prefix, orderId, request.Verified, cancellationToken).ConfigureAwait(false);
        return AuditComparison.Compare(orderId, items, trail, request.Scope);
    }

    private async Task ScanSegmentAsync(CheckRequest request, int segment, CheckTally tally, PrelistedVersions? prelisted, CancellationToken cancellationToken)
    {
        var part = request.Part ?? new CheckPart(0, 1);
        var total = _options.ScanSegments * part.Total;
        var open = new List<TableItem>();
        await Paging.ForEachPageAsync(
            (ScanPosition? from, CancellationToken cancel) => _table.ScanAsync(request.TableName, (part.Index * _options.ScanSegments) + segment, total, from, cancel),
            page => page.Next,
            async page =>
            {
                var orders = GroupByOrder(open.Concat(page.Items));
                // The last order of a page may go on in the next page.
                open = page.Next is not null && orders.Count > 0 ? orders[orders.Count - 1] : new List<TableItem>();
                var complete = page.Next is not null && orders.Count > 0 ? orders.Take(orders.Count - 1).ToList() : orders;
                await BoundedConcurrency.ForEachAsync(complete, _options.MaxParallelOrders, (items, _) => CheckScannedOrderAsync(request, items, tally, prelisted, cancellationToken),
                    cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
    }

    private async Task CheckScannedOrderAsync(CheckRequest request, List<TableItem> items, CheckTally tally, PrelistedVersions? prelisted,
        CancellationToken cancellationToken)
    {
        var orderId = items[0].OrderId;
        var prefix = PrefixOf(orderId);
        if (prefix is null)
        {
            tally.Add(orderId, Unkeyable(orderId, items));
        }
        else if (tally.Claim(prefix, orderId))
        {
            if (request.Verified is { IsWhole: false } period && !period.Touches(prefix)
                && !items.Any(item => Timestamps.Within(item.Timestamp, request.Scope.Since, request.Scope.Until)))
            {
                // A period check reads the orders its window or its digests touch: what a day wrote, not the whole bucket.
                tally.Add(prefix, new OrderCheck(orderId, 0, 0, Array.Empty<CheckedFinding>(), 0));
                return;
            }

            tally.Add(prefix, await CompareAsync(request, prefix, orderId, items, prelisted, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// One order's trail against its items: from the listing already made when there is one; a finding (or a pending
    /// record forgiven) from it is confirmed with a fresh listing of the folder, since an object written after that
    /// listing began is not missing.
    /// </summary>
    private async Task<OrderCheck> CompareAsync(CheckRequest request, string prefix, string? orderId, IReadOnlyList<TableItem> items, PrelistedVersions? prelisted,
        CancellationToken cancellationToken)
    {
        if (prelisted is not null && await prelisted.OfAsync(prefix).ConfigureAwait(false) is { } listed)
        {
            var fromListing = AuditComparison.Compare(orderId, items,
                await _trails.ReadAsync(request.BucketName, prefix, orderId, request.Verified, cancellationToken, listed).ConfigureAwait(false), request.Scope);
            if (fromListing.Findings.Count == 0 && fromListing.PendingIgnored == 0)
            {
                return fromListing;
            }
        }

        var trail = await _trails.ReadAsync(request.BucketName, prefix, orderId, request.Verified, cancellationToken).ConfigureAwait(false);
        return AuditComparison.Compare(orderId, items, trail, request.Scope);
    }

    private async Task CheckBucketOnlyOrdersAsync(CheckRequest request, CheckTally tally, PrelistedVersions? prelisted, CancellationToken cancellationToken)
    {
        var part = request.Part ?? new CheckPart(0, 1);
        if (request.Verified is not { IsWhole: false })
        {
            await Paging.ForEachPageAsync((token, cancel) => _store.ListFoldersAsync(request.BucketName, AuditKey.OrdersPrefix, token, cancel), page => page.NextToken,
                async page =>
                {
                    foreach (var loose in page.Keys.Where(part.Owns))
                    {
                        tally.Add(loose, new OrderCheck(loose, 0, 1, new[]
                        {
                            new CheckedFinding(AuditFindingKind.UnreadableAudit, "", null, loose, "an object directly under the orders prefix, outside any order's folder"),
                        }, 0));
                    }

                    await CheckUnclaimedAsync(request, page.Folders, tally, prelisted, cancellationToken).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
        }

        if (request.Verified is { } verified)
        {
            // Folders whose every object is gone are listed by nothing but the digests.
            await CheckUnclaimedAsync(request, verified.Folders.Where(f => f.StartsWith(AuditKey.OrdersPrefix, StringComparison.Ordinal)
                && f.IndexOf('/', AuditKey.OrdersPrefix.Length) == f.Length - 1).ToList(), tally, prelisted, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CheckUnclaimedAsync(CheckRequest request, IReadOnlyList<string> folders, CheckTally tally, PrelistedVersions? prelisted,
        CancellationToken cancellationToken)
    {
        var part = request.Part ?? new CheckPart(0, 1);
        var unclaimed = folders.Where(part.Owns).Where(folder => !tally.IsClaimed(folder)).ToList();
        await BoundedConcurrency.ForEachAsync(unclaimed, _options.MaxParallelOrders * _options.ScanSegments, async (prefix, _) =>
        {
            // Another part's scan may hold the order's items: a part asks the table before it checks a folder alone.
            var name = OrderAuditTrailReader.OrderNameOf(prefix);
            var items = part.Total > 1 && PrefixOf(name) == prefix
                ? await _table.ReadOrderAsync(request.TableName, name, cancellationToken).ConfigureAwait(false)
                : Array.Empty<TableItem>();
            if (items.Count > 0 || !tally.Claim(prefix, null))
            {
                return;
            }

            tally.Add(prefix, await CompareAsync(request, prefix, null, Array.Empty<TableItem>(), prelisted, cancellationToken).ConfigureAwait(false));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The quarantine's objects against the digests (quarantine/ is listed whole: quarantined records are few).</summary>
    private async Task<IReadOnlyList<CheckedFinding>> JudgeQuarantineAsync(string bucketName, VerifiedTrail verified, CancellationToken cancellationToken) =>
        await _trails.JudgeObjectsAsync(bucketName, AuditKey.QuarantinePrefix, verified, cancellationToken).ConfigureAwait(false);

    /// <summary>Consecutive items of one order, in scan order.</summary>
    private static List<List<TableItem>> GroupByOrder(IEnumerable<TableItem> items)
    {
        var orders = new List<List<TableItem>>();
        foreach (var item in items)
        {
            if (orders.Count == 0 || !string.Equals(orders[orders.Count - 1][0].OrderId, item.OrderId, StringComparison.Ordinal))
            {
                orders.Add(new List<TableItem>());
            }

            orders[orders.Count - 1].Add(item);
        }

        return orders;
    }

    private static string? PrefixOf(string orderId)
    {
        try
        {
            return AuditKey.OrderPrefix(orderId);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // An id that is not valid Unicode can have no audit key: the processor quarantines its records.
    private static OrderCheck Unkeyable(string orderId, IReadOnlyList<TableItem> items) =>
        new(orderId, items.Count, 0, items.Select(item => new CheckedFinding(AuditFindingKind.MissingAudit, orderId, item.Timestamp, null,
            "the order id cannot be an audit key (not valid Unicode); its records are quarantined") { Item = item }).ToList(), 0);

    /// <summary>The per-order outcomes of a check, safe to add to from every worker.</summary>
    private sealed class CheckTally
    {
        private readonly ConcurrentDictionary<string, OrderCheck?> _byOrder = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, string> _split = new(StringComparer.Ordinal);
        private readonly IOperationReporter _reporter;
        private readonly List<CheckedFinding> _trailWide = new();
        private int _checked;

        public CheckTally(IOperationReporter reporter) => _reporter = reporter;

        /// <summary>True for the first claim of an order's folder; a later claim by a scan marks the order as split.</summary>
        public bool Claim(string prefix, string? orderId)
        {
            if (_byOrder.TryAdd(prefix, null))
            {
                return true;
            }

            if (orderId is not null)
            {
                _split[prefix] = orderId;
            }

            return false;
        }

        public bool IsClaimed(string prefix) => _byOrder.ContainsKey(prefix);

        /// <summary>Findings that belong to no order (digests, the quarantine).</summary>
        public void AddTrailWide(IEnumerable<CheckedFinding> findings)
        {
            lock (_trailWide)
            {
                _trailWide.AddRange(findings);
            }
        }

        public IEnumerable<(string Prefix, string OrderId)> SplitOrders() => _split.Select(pair => (pair.Key, pair.Value)).ToList();

        public void Add(string prefix, OrderCheck check)
        {
            _byOrder[prefix] = check;
            var done = Interlocked.Increment(ref _checked);
            if (done % ProgressEvery == 0)
            {
                _reporter.Progress(new OperationProgress(1, "Checking the audit log", $"{done} orders checked", CurrentOperation: check.OrderId));
            }
        }

        public void Replace(string prefix, OrderCheck check) => _byOrder[prefix] = check;

        public CheckOutcome Outcome(TimeSpan duration, VerifiedTrail? verified)
        {
            var checks = _byOrder.Values.Where(c => c is not null).Select(c => c!).ToList();
            var history = checks.Aggregate(HistoryCount.None, (sum, check) => sum.Add(check.History));
            var unsigned = verified is not null && history.Objects > 0
                ? new[] { new CheckedFinding(AuditFindingKind.Unsigned, "", null, null, verified.FirstDigestWritten is { } first
                    ? $"{history.Objects} audit object(s) were written before the trail's first digest ({first:u}), first written {history.Oldest:u} to {history.Newest:u}: compared with the table, but not provable"
                    : $"{history.Objects} audit object(s) and no digest at all (first written {history.Oldest:u} to {history.Newest:u}): compared with the table, but not provable") }
                : Array.Empty<CheckedFinding>();
            var findings = checks.SelectMany(c => c.Findings).Concat(_trailWide).Concat(unsigned).OrderBy(f => f.OrderId, StringComparer.Ordinal)
                .ThenBy(f => f.Timestamp, StringComparer.Ordinal).ThenBy(f => f.Kind).ThenBy(f => f.Key, StringComparer.Ordinal).ToList();
            return new CheckOutcome(checks.Count, checks.Sum(c => c.Items), checks.Sum(c => c.AuditObjects), checks.Sum(c => c.PendingIgnored), findings, duration);
        }
    }
}
