using System;
using System.Globalization;

namespace SwarmPS.Engine.Docker
{
    /// <summary>Which part of a log to read and how, as docker logs' --tail, --since, --timestamps and --follow say.</summary>
    public sealed class LogOptions
    {
        /// <summary>Only the last lines, this many (of each replica for a service); null for the whole log.</summary>
        public int? Tail { get; init; }

        /// <summary>Only lines written at or after this moment.</summary>
        public DateTimeOffset? Since { get; init; }

        /// <summary>Each line starts with the time the engine received it (RFC 3339, nanoseconds).</summary>
        public bool Timestamps { get; init; }

        /// <summary>Keep reading new lines until the token is cancelled.</summary>
        public bool Follow { get; init; }

        /// <summary>The Engine API's tail: a number or all.</summary>
        internal string TailText => Tail?.ToString(CultureInfo.InvariantCulture) ?? "all";

        /// <summary>The Engine API's since: unix seconds with nanoseconds, as the docker CLI sends it.</summary>
        internal string? SinceText
        {
            get
            {
                if (Since is not DateTimeOffset since)
                {
                    return null;
                }

                long ticks = since.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
                long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rest);
                if (rest < 0)
                {
                    seconds--;
                    rest += TimeSpan.TicksPerSecond;
                }

                return string.Create(CultureInfo.InvariantCulture, $"{seconds}.{rest * 100:D9}");
            }
        }
    }
}
