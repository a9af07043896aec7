using System;
using System.Collections.Generic;

namespace SwarmPS.Engine.Ssh
{
    /// <summary>Files read from a host in one round trip: their text, or only whether they exist.</summary>
    public sealed class RemoteFileSet
    {
        private readonly IReadOnlyDictionary<string, string?> contents;
        private readonly IReadOnlyDictionary<string, bool> existing;

        public RemoteFileSet(IReadOnlyDictionary<string, string?> contents, IReadOnlyDictionary<string, bool> existing)
        {
            this.contents = contents;
            this.existing = existing;
        }

        /// <summary>The file's text; null when it does not exist.</summary>
        public string? Content(string path) => contents.TryGetValue(path, out string? text)
            ? text
            : throw new ArgumentException($"{path} was not read.", nameof(path));

        public bool Exists(string path) => existing.TryGetValue(path, out bool exists)
            ? exists
            : throw new ArgumentException($"{path} was not looked at.", nameof(path));
    }
}
