using System;
using System.Text;

namespace SwarmPS.Engine.Docker
{
    /// <summary>Turns text that arrives in arbitrary chunks into whole lines (a trailing CR dropped).</summary>
    internal sealed class LineSplitter
    {
        private readonly StringBuilder pending = new StringBuilder();
        private readonly Action<string> onLine;

        internal LineSplitter(Action<string> onLine)
        {
            this.onLine = onLine;
        }

        internal void Add(string chunk)
        {
            int start = 0;
            int newline;
            while ((newline = chunk.IndexOf('\n', start)) >= 0)
            {
                pending.Append(chunk, start, newline - start);
                onLine(pending.ToString().TrimEnd('\r'));
                pending.Clear();
                start = newline + 1;
            }

            pending.Append(chunk, start, chunk.Length - start);
        }

        /// <summary>Writes a last line that had no newline.</summary>
        internal void Flush()
        {
            if (pending.Length > 0)
            {
                onLine(pending.ToString().TrimEnd('\r'));
                pending.Clear();
            }
        }
    }
}
