using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace SwarmPS.Engine.Ssh
{
    /// <summary>What the known_hosts file says about a presented host key.</summary>
    public enum HostKeyStatus
    {
        /// <summary>A line for the host holds this very key.</summary>
        Trusted,

        /// <summary>No line mentions the host (or the file does not exist).</summary>
        Unknown,

        /// <summary>The host is known with a different key of the same type: possibly a man-in-the-middle, or a reinstalled host.</summary>
        Mismatch,

        /// <summary>The host is known only with keys of other types; accepting the new type would bypass the pinned key.</summary>
        OtherKeyTypeKnown,

        /// <summary>An <c>@revoked</c> line for the host names this key: it must never be accepted.</summary>
        Revoked,
    }

    /// <summary>The outcome of <see cref="KnownHostsFile.Check"/>.</summary>
    public sealed class HostKeyCheck
    {
        /// <summary>Creates a result; <paramref name="knownKeyType"/>, <paramref name="knownFingerprint"/> and <paramref name="lineNumber"/> describe the deciding line, if any.</summary>
        public HostKeyCheck(HostKeyStatus status, string presentedFingerprint, string? knownKeyType = null, string? knownFingerprint = null, int? lineNumber = null)
        {
            Status = status;
            PresentedFingerprint = presentedFingerprint ?? throw new ArgumentNullException(nameof(presentedFingerprint));
            KnownKeyType = knownKeyType;
            KnownFingerprint = knownFingerprint;
            LineNumber = lineNumber;
        }

        /// <summary>The verdict.</summary>
        public HostKeyStatus Status { get; }

        /// <summary>SHA256 fingerprint of the key on the deciding line (the key the file expects for Mismatch/OtherKeyTypeKnown); null when Unknown.</summary>
        public string? KnownFingerprint { get; }

        /// <summary>Key type on the deciding line, such as ssh-ed25519; null when Unknown.</summary>
        public string? KnownKeyType { get; }

        /// <summary>1-based line number of the deciding line in the file; null when Unknown.</summary>
        public int? LineNumber { get; }

        /// <summary>SHA256 fingerprint of the key the server presented.</summary>
        public string PresentedFingerprint { get; }

        /// <inheritdoc/>
        public override string ToString()
        {
            return LineNumber is null
                ? $"{Status} ({PresentedFingerprint})"
                : $"{Status} ({PresentedFingerprint}; line {LineNumber}: {KnownKeyType} {KnownFingerprint})";
        }
    }

    /// <summary>
    /// Reads and appends an OpenSSH known_hosts file (format of sshd(8), SSH_KNOWN_HOSTS FILE FORMAT),
    /// because SSH.NET has no host key store of its own.
    /// </summary>
    public sealed class KnownHostsFile
    {
        private const int DefaultSshPort = 22;
        private const int OpenAttempts = 10;
        private const string HashMagic = "|1|";

        // One lock object per file so concurrent Add calls in this process never interleave.
        private static readonly ConcurrentDictionary<string, object> WriteLocks =
            new ConcurrentDictionary<string, object>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

        // Characters with a meaning in the host field; a name holding one could not be written or looked up literally.
        private static readonly char[] PatternCharacters = { ',', '*', '?', '!', '|', '#', '[', ']' };

        private static readonly UTF8Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        /// <summary>Uses the known_hosts file at <paramref name="path"/>; the file need not exist yet.</summary>
        public KnownHostsFile(string path)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new ArgumentException("A known_hosts path is required.", nameof(path));
            }

            FilePath = Path.GetFullPath(path);
        }

        /// <summary>Full path of the known_hosts file.</summary>
        public string FilePath { get; }

        /// <summary>
        /// Looks the presented key up for the names in <paramref name="hostNames"/>: the first is the name the user
        /// typed, the others the addresses it resolved to. As in OpenSSH, the typed name decides whenever the file has
        /// any line for it (a changed key under the name is refused even when a line for the address holds the
        /// presented key); an address is consulted only for a name the file does not know. A line whose negated pattern
        /// (<c>!name</c>) matches the typed name applies to none of the host's names. A revoked key is Revoked under
        /// any name. Precedence within a name: Trusted, Mismatch, OtherKeyTypeKnown, Unknown. A missing file yields Unknown.
        /// </summary>
        /// <param name="hostNames">The typed host name first, then addresses; case does not matter.</param>
        /// <param name="port">The SSH port; 22 looks up the bare name (and <c>[name]:22</c>), any other port <c>[name]:port</c>.</param>
        /// <param name="keyType">Key type or host key algorithm (rsa-sha2-256/512 count as ssh-rsa); the type inside the blob wins when readable.</param>
        /// <param name="keyBlob">The public key in SSH wire format.</param>
        public HostKeyCheck Check(IReadOnlyList<string> hostNames, int port, string keyType, byte[] keyBlob)
        {
            ValidateKeyArguments(keyType, keyBlob);
            List<List<string>> hosts = LookupNamesPerHost(hostNames, port);
            string presentedType = CanonicalKeyType(keyType, keyBlob);
            string presentedFingerprint = HostKeyFingerprint.Sha256(keyBlob);

            string[]? lines = ReadLinesOrNull();
            if (lines is null)
            {
                return new HostKeyCheck(HostKeyStatus.Unknown, presentedFingerprint);
            }

            var trusted = new KnownHostsEntry?[hosts.Count];
            var mismatch = new KnownHostsEntry?[hosts.Count];
            var otherType = new KnownHostsEntry?[hosts.Count];
            foreach ((KnownHostsEntry entry, bool[] matched) in MatchingEntries(lines, hosts))
            {
                bool sameKey = entry.KeyType == presentedType && CryptographicOperations.FixedTimeEquals(entry.KeyBlob, keyBlob);
                if (entry.Marker == EntryMarker.Revoked)
                {
                    // A revocation beats any number of trusting lines, wherever it appears and under whichever name.
                    if (sameKey)
                    {
                        return Describe(HostKeyStatus.Revoked, presentedFingerprint, entry);
                    }

                    continue;
                }

                for (int host = 0; host < hosts.Count; host++)
                {
                    if (!matched[host])
                    {
                        continue;
                    }

                    if (sameKey)
                    {
                        trusted[host] ??= entry;
                    }
                    else if (entry.KeyType == presentedType)
                    {
                        mismatch[host] ??= entry;
                    }
                    else
                    {
                        otherType[host] ??= entry;
                    }
                }
            }

            for (int host = 0; host < hosts.Count; host++)
            {
                if (trusted[host] is not null)
                {
                    return Describe(HostKeyStatus.Trusted, presentedFingerprint, trusted[host]!);
                }

                if (mismatch[host] is not null)
                {
                    return Describe(HostKeyStatus.Mismatch, presentedFingerprint, mismatch[host]!);
                }

                if (otherType[host] is not null)
                {
                    return Describe(HostKeyStatus.OtherKeyTypeKnown, presentedFingerprint, otherType[host]!);
                }
            }

            return new HostKeyCheck(HostKeyStatus.Unknown, presentedFingerprint);
        }

        /// <summary>
        /// The key types the file holds for the host (by the same name rules as <see cref="Check"/>: the typed name's
        /// lines, else the addresses'), in file order without repeats; revoked and CA lines do not count. Empty when
        /// the host is unknown. Used to offer those host key algorithms first, as OpenSSH does.
        /// </summary>
        public IReadOnlyList<string> KnownKeyTypes(IReadOnlyList<string> hostNames, int port)
        {
            List<List<string>> hosts = LookupNamesPerHost(hostNames, port);
            string[]? lines = ReadLinesOrNull();
            if (lines is null)
            {
                return Array.Empty<string>();
            }

            var types = new List<string>[hosts.Count];
            foreach ((KnownHostsEntry entry, bool[] matched) in MatchingEntries(lines, hosts))
            {
                if (entry.Marker == EntryMarker.Revoked)
                {
                    continue;
                }

                for (int host = 0; host < hosts.Count; host++)
                {
                    if (matched[host])
                    {
                        types[host] ??= new List<string>();
                        AddDistinct(types[host], entry.KeyType);
                    }
                }
            }

            return types.FirstOrDefault(list => list is not null) ?? (IReadOnlyList<string>)Array.Empty<string>();
        }

        /// <summary>
        /// Appends the key for <paramref name="hostNames"/>: one line <c>name1,name2 keytype base64</c>, or one hashed
        /// line per name when <paramref name="hashNames"/> is set. Creates the directory (700) and file (600) when missing,
        /// never rewrites existing lines, and is safe against concurrent writers in this and other processes.
        /// </summary>
        public void Add(IReadOnlyList<string> hostNames, int port, string keyType, byte[] keyBlob, bool hashNames)
        {
            ValidateKeyArguments(keyType, keyBlob);
            List<string> names = StoredNames(hostNames, port);
            string type = CanonicalKeyType(keyType, keyBlob);
            string key = Convert.ToBase64String(keyBlob);

            var text = new StringBuilder();
            if (hashNames)
            {
                foreach (string name in names)
                {
                    text.Append(HashHostName(name)).Append(' ').Append(type).Append(' ').Append(key).Append('\n');
                }
            }
            else
            {
                text.Append(string.Join(",", names)).Append(' ').Append(type).Append(' ').Append(key).Append('\n');
            }

            lock (WriteLocks.GetOrAdd(FilePath, _ => new object()))
            {
                EnsureDirectory();
                using FileStream stream = OpenWithRetry(ForAppending());

                // A file that ends mid-line would glue our entry onto the previous one.
                bool needsLeadingNewline = false;
                if (stream.Length > 0)
                {
                    stream.Seek(-1, SeekOrigin.End);
                    needsLeadingNewline = stream.ReadByte() != '\n';
                }

                stream.Seek(0, SeekOrigin.End);
                byte[] bytes = Utf8NoBom.GetBytes((needsLeadingNewline ? "\n" : string.Empty) + text);
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }
        }

        /// <summary>
        /// The key type to compare and store: the type named inside the blob when readable (so an rsa-sha2-512
        /// algorithm name compares as the ssh-rsa key it is), else the given name with RSA signature names folded.
        /// </summary>
        internal static string CanonicalKeyType(string keyType, byte[] keyBlob)
        {
            if (keyBlob.Length >= 4)
            {
                uint length = (uint)(keyBlob[0] << 24 | keyBlob[1] << 16 | keyBlob[2] << 8 | keyBlob[3]);
                if (length is > 0 and <= 64 && length <= keyBlob.Length - 4)
                {
                    string embedded = Encoding.ASCII.GetString(keyBlob, 4, (int)length);
                    if (IsPrintableToken(embedded))
                    {
                        return embedded;
                    }
                }
            }

            return keyType is "rsa-sha2-256" or "rsa-sha2-512" ? "ssh-rsa" : keyType;
        }

        /// <summary>OpenSSH's match_pattern: <c>*</c> is any run of characters, <c>?</c> exactly one; case-insensitive.</summary>
        internal static bool WildcardMatch(string text, string pattern)
        {
            int textIndex = 0;
            int patternIndex = 0;
            int starIndex = -1;
            int textAfterStar = 0;
            while (textIndex < text.Length)
            {
                if (patternIndex < pattern.Length && (pattern[patternIndex] == '?' || CharEqualsIgnoreCase(pattern[patternIndex], text[textIndex])))
                {
                    textIndex++;
                    patternIndex++;
                }
                else if (patternIndex < pattern.Length && pattern[patternIndex] == '*')
                {
                    starIndex = patternIndex++;
                    textAfterStar = textIndex;
                }
                else if (starIndex >= 0)
                {
                    // Let the last '*' swallow one more character and try again.
                    patternIndex = starIndex + 1;
                    textIndex = ++textAfterStar;
                }
                else
                {
                    return false;
                }
            }

            while (patternIndex < pattern.Length && pattern[patternIndex] == '*')
            {
                patternIndex++;
            }

            return patternIndex == pattern.Length;
        }

        /// <summary>OpenSSH's match_pattern_list: 1 when a pattern matches, -1 when a negated (<c>!</c>) one does (which wins), else 0.</summary>
        internal static int MatchPatternList(string hostName, string commaSeparatedPatterns)
        {
            bool positive = false;
            foreach (string item in commaSeparatedPatterns.Split(','))
            {
                bool negated = item.StartsWith('!');
                string pattern = negated ? item.Substring(1) : item;
                if (pattern.Length == 0 || !WildcardMatch(hostName, pattern))
                {
                    continue;
                }

                if (negated)
                {
                    return -1;
                }

                positive = true;
            }

            return positive ? 1 : 0;
        }

        /// <summary>Builds a hashed host field <c>|1|base64salt|base64hmac</c> (HMAC-SHA1 keyed by a fresh 20-byte salt).</summary>
        internal static string HashHostName(string hostString)
        {
            byte[] salt = RandomNumberGenerator.GetBytes(20);
            byte[] mac = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(hostString));
            return HashMagic + Convert.ToBase64String(salt) + "|" + Convert.ToBase64String(mac);
        }

        // The parsed lines (CA lines excepted) that apply to at least one host, with which hosts they apply to.
        // A line that negates the typed name (host 0) applies to none: "*,!h" must not reach h through its address.
        private static IEnumerable<(KnownHostsEntry Entry, bool[] Matched)> MatchingEntries(string[] lines, List<List<string>> hosts)
        {
            for (int index = 0; index < lines.Length; index++)
            {
                KnownHostsEntry? entry = KnownHostsEntry.TryParse(lines[index], index + 1);
                if (entry is null || entry.Marker == EntryMarker.CertificateAuthority)
                {
                    continue;
                }

                var matched = new bool[hosts.Count];
                bool any = false;
                for (int host = 0; host < hosts.Count; host++)
                {
                    int verdict = MatchHost(entry.HostPatterns, hosts[host]);
                    if (verdict < 0 && host == 0)
                    {
                        any = false;
                        break;
                    }

                    matched[host] = verdict > 0;
                    any |= matched[host];
                }

                if (any)
                {
                    yield return (entry, matched);
                }
            }
        }

        // 1 when the line names the host under any of its spellings, -1 when any spelling is negated (which wins), else 0.
        private static int MatchHost(string hostPatterns, List<string> spellings)
        {
            if (hostPatterns.StartsWith('|'))
            {
                return MatchesHashed(hostPatterns, spellings) ? 1 : 0;
            }

            int result = 0;
            foreach (string name in spellings)
            {
                int verdict = MatchPatternList(name, hostPatterns);
                if (verdict < 0)
                {
                    return -1;
                }

                result = Math.Max(result, verdict);
            }

            return result;
        }

        // Like OpenSSH, a hashed field is one hash for one host string; it cannot hold a comma list.
        private static bool MatchesHashed(string hashedField, List<string> lookupNames)
        {
            if (!hashedField.StartsWith(HashMagic, StringComparison.Ordinal))
            {
                return false;
            }

            string[] parts = hashedField.Substring(HashMagic.Length).Split('|');
            if (parts.Length != 2 || !TryFromBase64(parts[0], out byte[] salt) || salt.Length == 0 || !TryFromBase64(parts[1], out byte[] expected))
            {
                return false;
            }

            foreach (string name in lookupNames)
            {
                byte[] actual = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(name));
                if (CryptographicOperations.FixedTimeEquals(actual, expected))
                {
                    return true;
                }
            }

            return false;
        }

        private static HostKeyCheck Describe(HostKeyStatus status, string presentedFingerprint, KnownHostsEntry entry)
        {
            return new HostKeyCheck(status, presentedFingerprint, entry.KeyType, HostKeyFingerprint.Sha256(entry.KeyBlob), entry.LineNumber);
        }

        // Per host (typed name, then addresses), the strings to look up: OpenSSH writes port 22 as the bare name; we
        // also accept an explicit [name]:22.
        private static List<List<string>> LookupNamesPerHost(IReadOnlyList<string> hostNames, int port)
        {
            var result = new List<List<string>>();
            foreach (string name in NormalizedNames(hostNames, port))
            {
                var spellings = new List<string> { port == DefaultSshPort ? name : FormatWithPort(name, port) };
                if (port == DefaultSshPort)
                {
                    AddDistinct(spellings, FormatWithPort(name, port));
                }

                result.Add(spellings);
            }

            return result;
        }

        // The host strings to write, as ssh itself would write them.
        private static List<string> StoredNames(IReadOnlyList<string> hostNames, int port)
        {
            var result = new List<string>();
            foreach (string name in NormalizedNames(hostNames, port))
            {
                AddDistinct(result, port == DefaultSshPort ? name : FormatWithPort(name, port));
            }

            return result;
        }

        private static List<string> NormalizedNames(IReadOnlyList<string> hostNames, int port)
        {
            ArgumentNullException.ThrowIfNull(hostNames);
            if (port is < 1 or > 65535)
            {
                throw new ArgumentOutOfRangeException(nameof(port), port, "An SSH port is between 1 and 65535.");
            }

            var result = new List<string>();
            foreach (string? raw in hostNames)
            {
                string name = (raw ?? string.Empty).Trim();

                // An IPv6 literal may arrive bracketed; known_hosts stores it bare (or inside [..]:port).
                if (name.Length > 2 && name[0] == '[' && name[^1] == ']')
                {
                    name = name.Substring(1, name.Length - 2);
                }

                // OpenSSH lowercases the host before looking up or hashing it.
                name = name.ToLowerInvariant();
                if (name.Length == 0 || !IsPrintableToken(name) || name.IndexOfAny(PatternCharacters) >= 0 || name[0] == '@')
                {
                    throw new ArgumentException($"'{raw}' is not a host name or address that can be looked up in known_hosts.", nameof(hostNames));
                }

                AddDistinct(result, name);
            }

            if (result.Count == 0)
            {
                throw new ArgumentException("At least one host name is required.", nameof(hostNames));
            }

            return result;
        }

        private static string FormatWithPort(string name, int port)
        {
            return "[" + name + "]:" + port.ToString(CultureInfo.InvariantCulture);
        }

        private static void AddDistinct(List<string> list, string value)
        {
            if (!list.Contains(value))
            {
                list.Add(value);
            }
        }

        private static void ValidateKeyArguments(string keyType, byte[] keyBlob)
        {
            if (string.IsNullOrEmpty(keyType) || !IsPrintableToken(keyType))
            {
                throw new ArgumentException("A key type such as ssh-ed25519 is required.", nameof(keyType));
            }

            ArgumentNullException.ThrowIfNull(keyBlob);
            if (keyBlob.Length == 0)
            {
                throw new ArgumentException("The host key blob is empty.", nameof(keyBlob));
            }
        }

        private static bool IsPrintableToken(string value)
        {
            foreach (char c in value)
            {
                if (c <= ' ' || c >= 0x7F)
                {
                    return false;
                }
            }

            return value.Length > 0;
        }

        private static bool CharEqualsIgnoreCase(char a, char b)
        {
            return a == b || char.ToLowerInvariant(a) == char.ToLowerInvariant(b);
        }

        private static bool TryFromBase64(string text, out byte[] bytes)
        {
            try
            {
                bytes = Convert.FromBase64String(text);
                return true;
            }
            catch (FormatException)
            {
                bytes = Array.Empty<byte>();
                return false;
            }
        }

        private string[]? ReadLinesOrNull()
        {
            if (!File.Exists(FilePath))
            {
                return null;
            }

            var options = new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete };
            try
            {
                using FileStream stream = OpenWithRetry(options);
                using var reader = new StreamReader(stream, Utf8NoBom, detectEncodingFromByteOrderMarks: true);
                string content = reader.ReadToEnd();
                return content.Split('\n');
            }
            catch (FileNotFoundException)
            {
                return null;
            }
            catch (DirectoryNotFoundException)
            {
                return null;
            }
        }

        private FileStreamOptions ForAppending()
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                // Host keys are not secret, but ssh refuses files others may write; 600 is what ssh creates.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            return options;
        }

        private void EnsureDirectory()
        {
            string? directory = Path.GetDirectoryName(FilePath);
            if (string.IsNullOrEmpty(directory) || Directory.Exists(directory))
            {
                return;
            }

            try
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(directory);
                }
                else
                {
                    Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new SwarmException(
                    "KnownHostsAccessDenied",
                    SwarmErrorKind.PermissionDenied,
                    $"Cannot create the directory '{directory}' for the known_hosts file: {ex.Message} Create it yourself or choose a known_hosts path you can write.",
                    FilePath,
                    ex);
            }
        }

        // Another process (or ssh-keygen -R) may hold the file for a moment; wait a little instead of failing at once.
        private FileStream OpenWithRetry(FileStreamOptions options)
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    return new FileStream(FilePath, options);
                }
                catch (UnauthorizedAccessException ex)
                {
                    throw new SwarmException(
                        "KnownHostsAccessDenied",
                        SwarmErrorKind.PermissionDenied,
                        $"Cannot open the known_hosts file '{FilePath}': {ex.Message} Give your account read and write access to it or choose another known_hosts path.",
                        FilePath,
                        ex);
                }
                catch (IOException ex) when (ex.GetType() == typeof(IOException))
                {
                    if (attempt >= OpenAttempts)
                    {
                        throw new SwarmException(
                            "KnownHostsFileBusy",
                            SwarmErrorKind.ResourceUnavailable,
                            $"The known_hosts file '{FilePath}' stayed locked by another program: {ex.Message} Wait until the other program is done and try again.",
                            FilePath,
                            ex);
                    }

                    Thread.Sleep(50 * attempt);
                }
            }
        }

        private enum EntryMarker
        {
            None,
            CertificateAuthority,
            Revoked,
        }

        /// <summary>One parsed known_hosts line: [marker] hostpatterns keytype base64key [comment].</summary>
        private sealed class KnownHostsEntry
        {
            private static readonly char[] FieldSeparators = { ' ', '\t' };

            private KnownHostsEntry(EntryMarker marker, string hostPatterns, string keyType, byte[] keyBlob, int lineNumber)
            {
                Marker = marker;
                HostPatterns = hostPatterns;
                KeyType = keyType;
                KeyBlob = keyBlob;
                LineNumber = lineNumber;
            }

            public EntryMarker Marker { get; }

            public string HostPatterns { get; }

            public string KeyType { get; }

            public byte[] KeyBlob { get; }

            public int LineNumber { get; }

            /// <summary>Returns null for blank lines, comments and lines that cannot be read (ssh skips those too).</summary>
            public static KnownHostsEntry? TryParse(string line, int lineNumber)
            {
                string[] fields = line.TrimEnd('\r').Split(FieldSeparators, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 0 || fields[0].StartsWith('#'))
                {
                    return null;
                }

                EntryMarker marker = EntryMarker.None;
                int next = 0;
                if (fields[0].StartsWith('@'))
                {
                    switch (fields[0])
                    {
                        case "@cert-authority":
                            marker = EntryMarker.CertificateAuthority;
                            break;
                        case "@revoked":
                            marker = EntryMarker.Revoked;
                            break;
                        default:
                            return null;
                    }

                    next = 1;
                }

                if (fields.Length < next + 3)
                {
                    return null;
                }

                string keyType = fields[next + 1];

                // Legacy SSH-1 RSA lines ("bits exponent modulus") have no key type; ssh ignores them.
                if (int.TryParse(keyType, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    return null;
                }

                if (!TryFromBase64(fields[next + 2], out byte[] blob) || blob.Length == 0)
                {
                    return null;
                }

                return new KnownHostsEntry(marker, fields[next], keyType, blob, lineNumber);
            }
        }
    }
}
