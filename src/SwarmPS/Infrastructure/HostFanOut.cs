using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Runs one piece of work per host in parallel under a throttle. Each host's failure becomes an
    /// error record for that host; the other hosts finish. Progress: one bar, a child bar per host.
    /// Returns how many hosts failed.
    /// </summary>
    internal static class HostFanOut
    {
        internal const int DefaultThrottleLimit = 8;

        internal static async Task<int> RunAsync<TItem>(
            CmdletChannel channel,
            IReadOnlyList<TItem> items,
            Func<TItem, string> hostNameOf,
            string activity,
            int throttleLimit,
            Func<TItem, IOperationReporter, CancellationToken, Task<object?>> work,
            CancellationToken cancellationToken,
            Func<TItem, SwarmException, bool>? holdError = null)
        {
            const int parentId = 1;
            int finished = 0;
            int failed = 0;
            using var throttle = new SemaphoreSlim(Math.Max(1, throttleLimit));
            ReportOverall(channel, activity, parentId, 0, items.Count);

            IEnumerable<Task> tasks = items.Select(async (item, index) =>
            {
                string host = hostNameOf(item);
                var reporter = new HostReporter(channel, host, activity, parentId + 1 + index, parentId);
                await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    reporter.Progress("Starting", 0);
                    channel.WriteResult(await work(item, reporter, cancellationToken).ConfigureAwait(false));
                }
                catch (SwarmException failure)
                {
                    // A caller may take some errors back to resolve them itself (a prompt on the pipeline thread).
                    if (holdError == null || !holdError(item, failure))
                    {
                        Interlocked.Increment(ref failed);
                        channel.WriteError(ErrorRecords.From(failure, host));
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Ctrl+C: the pipeline is stopping, nothing more to report.
                }
                catch (Exception failure)
                {
                    Interlocked.Increment(ref failed);
                    channel.WriteError(ErrorRecords.Unexpected(failure, "UnexpectedHostFailure", host));
                }
                finally
                {
                    reporter.Complete();
                    int done = Interlocked.Increment(ref finished);
                    ReportOverall(channel, activity, parentId, done, items.Count);
                    throttle.Release();
                }
            }).ToList();

            await Task.WhenAll(tasks).ConfigureAwait(false);
            channel.WriteProgress(new ProgressRecord(parentId, activity, "Done") { RecordType = ProgressRecordType.Completed });
            return failed;
        }

        private static void ReportOverall(CmdletChannel channel, string activity, int parentId, int done, int total)
        {
            channel.WriteProgress(new ProgressRecord(parentId, activity, $"{done} of {total} hosts done")
            {
                PercentComplete = total == 0 ? 100 : done * 100 / total,
            });
        }
    }
}
