namespace OrderMonitoring.Aws;

/// <summary>
/// The one paging loop: asks for pages, passing each page's continuation token back, until a page has none, so no
/// caller ever drops a page. Callbacks instead of <c>IAsyncEnumerable</c>: in the module, that interface would load
/// Microsoft.Bcl.AsyncInterfaces, whose version differs from the one PowerShell already loaded.
/// </summary>
public static class Paging
{
    /// <summary>Hands every page to <paramref name="onPage"/>, in order.</summary>
    /// <param name="fetch">Reads the page for a token (null for the first page).</param>
    /// <param name="nextToken">The token of the page after this one; null or empty on the last page.</param>
    /// <param name="onPage">Called once per page, before the next page is asked for.</param>
    /// <param name="cancellationToken">Cancels between and during pages.</param>
    public static async Task ForEachPageAsync<TPage>(Func<string?, CancellationToken, Task<TPage>> fetch, Func<TPage, string?> nextToken,
        Func<TPage, Task> onPage, CancellationToken cancellationToken)
    {
        if (fetch is null || nextToken is null || onPage is null)
        {
            throw new ArgumentNullException(fetch is null ? nameof(fetch) : nextToken is null ? nameof(nextToken) : nameof(onPage));
        }

        string? token = null;
        do
        {
            var page = await fetch(token, cancellationToken).ConfigureAwait(false);
            await onPage(page).ConfigureAwait(false);
            token = nextToken(page);
        }
        while (!string.IsNullOrEmpty(token));
    }

    /// <summary>The items of every page, in order.</summary>
    public static async Task<List<TItem>> ReadAllAsync<TPage, TItem>(Func<string?, CancellationToken, Task<TPage>> fetch, Func<TPage, string?> nextToken,
        Func<TPage, IEnumerable<TItem>> items, CancellationToken cancellationToken)
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        var all = new List<TItem>();
        await ForEachPageAsync(fetch, nextToken, page =>
        {
            all.AddRange(items(page));
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return all;
    }

    /// <summary>
    /// The first page with the items of every later page appended to it (for answers whose first page carries more
    /// than the list, like a change set's status or a stream's description).
    /// </summary>
    public static async Task<TPage> MergeAllAsync<TPage, TItem>(Func<string?, CancellationToken, Task<TPage>> fetch, Func<TPage, string?> nextToken,
        Func<TPage, List<TItem>> items, CancellationToken cancellationToken)
        where TPage : class
    {
        if (items is null)
        {
            throw new ArgumentNullException(nameof(items));
        }

        TPage? first = null;
        await ForEachPageAsync(fetch, nextToken, page =>
        {
            if (first is null)
            {
                first = page;
            }
            else
            {
                items(first).AddRange(items(page));
            }

            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return first!;
    }
}
