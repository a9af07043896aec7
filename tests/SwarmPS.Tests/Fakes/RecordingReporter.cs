using System.Collections.Generic;
using System.Linq;

namespace SwarmPS.Tests.Fakes
{
    /// <summary>Keeps every message a service reports, for tests that check what a user would read (and what must never be there).</summary>
    public sealed class RecordingReporter : IOperationReporter
    {
        private readonly List<(string Stream, string Text)> messages = new List<(string, string)>();

        public IReadOnlyList<string> Warnings => Of("warning");

        public IReadOnlyList<string> VerboseLines => Of("verbose");

        /// <summary>Every message of every stream, progress included.</summary>
        public string All
        {
            get
            {
                lock (messages)
                {
                    return string.Join("\n", messages.Select(m => m.Text));
                }
            }
        }

        public void Verbose(string message) => Add("verbose", message);

        public void Debug(string message) => Add("debug", message);

        public void Warning(string message) => Add("warning", message);

        public void Progress(string status, int percent) => Add("progress", status);

        private void Add(string stream, string text)
        {
            lock (messages)
            {
                messages.Add((stream, text));
            }
        }

        private IReadOnlyList<string> Of(string stream)
        {
            lock (messages)
            {
                return messages.Where(m => m.Stream == stream).Select(m => m.Text).ToList();
            }
        }
    }
}
