using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SwarmPS.Engine.State;

namespace SwarmPS.Engine.Context
{
    /// <summary>What a Docker CLI context holds: one Docker endpoint and, for TCP with TLS, the files to reach it.</summary>
    public sealed class DockerContextSpec
    {
        public DockerContextSpec(string name, string cluster, string host, string? caPem, string? certificatePem, string? keyPem)
        {
            Name = name;
            Cluster = cluster;
            Host = host;
            // An empty text (as PowerShell passes for $null) means no TLS material, like null.
            CaPem = string.IsNullOrEmpty(caPem) ? null : caPem;
            CertificatePem = string.IsNullOrEmpty(certificatePem) ? null : certificatePem;
            KeyPem = string.IsNullOrEmpty(keyPem) ? null : keyPem;
            if ((CaPem == null) != (CertificatePem == null) || (CaPem == null) != (KeyPem == null))
            {
                throw new ArgumentException("A context has either all of the CA, the client certificate and its key, or none.", nameof(caPem));
            }
        }

        public string Name { get; }

        /// <summary>The SwarmPS cluster the context was made for; kept in the context's metadata.</summary>
        public string Cluster { get; }

        /// <summary>The Docker endpoint: tcp://host:2376 or ssh://user@host[:port].</summary>
        public string Host { get; }

        public string? CaPem { get; }

        public string? CertificatePem { get; }

        public string? KeyPem { get; }

        public bool HasTls => CaPem != null;
    }

    /// <summary>
    /// The Docker CLI's own context store, laid out as docker/cli's cli/context/store writes it:
    /// contexts/meta/&lt;sha256 of the name&gt;/meta.json, and the endpoint's TLS files in
    /// contexts/tls/&lt;sha256&gt;/docker/{ca,cert,key}.pem (folders 0700, files 0600); the current context is
    /// "currentContext" in config.json. The one place SwarmPS reads or writes the Docker CLI's configuration.
    /// </summary>
    public sealed class DockerContextStore
    {
        /// <summary>The variable the Docker CLI reads for its configuration folder.</summary>
        public const string ConfigVariable = "DOCKER_CONFIG";

        /// <summary>The metadata field that marks a context SwarmPS made, with the cluster's name.</summary>
        public const string ClusterField = "SwarmPS.Cluster";

        internal const string EndpointName = "docker";

        // docker/cli store.restrictedNamePattern, and "default" is the CLI's built-in context.
        private static readonly Regex ValidName = new Regex("^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$", RegexOptions.CultureInvariant);
        private static readonly JsonSerializerOptions Indented = new JsonSerializerOptions { WriteIndented = true };

        private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        private const UnixFileMode PublicDirectory = PrivateDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        private const UnixFileMode PublicFile = PrivateFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

        public DockerContextStore(string configDirectory)
        {
            ConfigDirectory = configDirectory;
        }

        /// <summary>$DOCKER_CONFIG, else ~/.docker: where the Docker CLI looks.</summary>
        public static string DefaultConfigDirectory
        {
            get
            {
                string? configured = Environment.GetEnvironmentVariable(ConfigVariable);
                return !string.IsNullOrWhiteSpace(configured)
                    ? Path.GetFullPath(configured)
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
            }
        }

        public string ConfigDirectory { get; }

        public string ConfigFile => Path.Combine(ConfigDirectory, "config.json");

        /// <summary>The folder name of a context: the hex SHA-256 of its name, as the Docker CLI makes it.</summary>
        public static string IdOf(string name) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name))).ToLowerInvariant();

        public string MetaDirectoryOf(string name) => Path.Combine(ConfigDirectory, "contexts", "meta", IdOf(name));

        public string MetaFileOf(string name) => Path.Combine(MetaDirectoryOf(name), "meta.json");

        public string TlsDirectoryOf(string name) => Path.Combine(ConfigDirectory, "contexts", "tls", IdOf(name));

        public string EndpointTlsDirectoryOf(string name) => Path.Combine(TlsDirectoryOf(name), EndpointName);

        public static void ValidateName(string name)
        {
            if (!ValidName.IsMatch(name) || string.Equals(name, "default", StringComparison.Ordinal))
            {
                throw new SwarmException("DockerContextNameInvalid", SwarmErrorKind.InvalidArgument,
                    $"'{name}' cannot be a Docker CLI context name. Use at least two characters: letters, digits, '_', '.', '+' and '-', starting with a letter or digit, and not 'default'; for example 'prod-eu'.", name);
            }
        }

        public bool Exists(string name) => File.Exists(MetaFileOf(name));

        /// <summary>The meta.json the Docker CLI reads for this context.</summary>
        public static string RenderMeta(DockerContextSpec spec)
        {
            var meta = new JsonObject
            {
                ["Name"] = spec.Name,
                ["Metadata"] = new JsonObject
                {
                    ["Description"] = $"SwarmPS cluster '{spec.Cluster}'",
                    [ClusterField] = spec.Cluster,
                },
                ["Endpoints"] = new JsonObject
                {
                    [EndpointName] = new JsonObject
                    {
                        ["Host"] = spec.Host,
                        ["SkipTLSVerify"] = false,
                    },
                },
            };
            return meta.ToJsonString();
        }

        /// <summary>What writing <paramref name="spec"/> would change, in plain words; empty when the store already holds it.</summary>
        public IReadOnlyList<string> Plan(DockerContextSpec spec, bool use)
        {
            ValidateName(spec.Name);
            var changes = new List<string>();
            string? current = ReadText(MetaFileOf(spec.Name));
            if (current == null)
            {
                changes.Add($"create context '{spec.Name}' for {spec.Host}");
            }
            else if (!SameJson(current, RenderMeta(spec)))
            {
                changes.Add($"update context '{spec.Name}' to {spec.Host}");
            }

            if (spec.HasTls)
            {
                bool same = TlsFiles(spec).All(f => string.Equals(ReadText(f.Path), f.Content, StringComparison.Ordinal) && ModeIs(f.Path, PrivateFile));
                if (!same)
                {
                    changes.Add($"write the cluster's CA and a client certificate and key to {EndpointTlsDirectoryOf(spec.Name)}");
                }
            }
            else if (Directory.Exists(TlsDirectoryOf(spec.Name)))
            {
                changes.Add($"remove the TLS files in {TlsDirectoryOf(spec.Name)} (an SSH endpoint needs none)");
            }

            if (use && !string.Equals(CurrentContext, spec.Name, StringComparison.Ordinal))
            {
                changes.Add($"make '{spec.Name}' the Docker CLI's current context in {ConfigFile}");
            }

            return changes;
        }

        /// <summary>Writes the context (and makes it current with <paramref name="use"/>). Returns whether anything changed.</summary>
        public bool Write(DockerContextSpec spec, bool use)
        {
            if (Plan(spec, use).Count == 0)
            {
                return false;
            }

            if (use)
            {
                // Read first: a damaged config.json stops the command before anything is written.
                _ = ReadConfig();
            }

            string metaDirectory = MetaDirectoryOf(spec.Name);
            CreateDirectory(metaDirectory, PublicDirectory);
            AtomicFile.Write(MetaFileOf(spec.Name), RenderMeta(spec), PublicFile, overwrite: true);

            string tlsRoot = TlsDirectoryOf(spec.Name);
            if (spec.HasTls)
            {
                CreateDirectory(Path.Combine(ConfigDirectory, "contexts", "tls"), PrivateDirectory);
                CreateDirectory(tlsRoot, PrivateDirectory, enforce: true);
                CreateDirectory(EndpointTlsDirectoryOf(spec.Name), PrivateDirectory, enforce: true);
                foreach ((string path, string content) in TlsFiles(spec))
                {
                    AtomicFile.Write(path, content, PrivateFile, overwrite: true);
                    SetMode(path, PrivateFile);
                }
            }
            else if (Directory.Exists(tlsRoot))
            {
                Directory.Delete(tlsRoot, recursive: true);
            }

            if (use)
            {
                CurrentContext = spec.Name;
            }

            return true;
        }

        /// <summary>The cluster a context was made for by SwarmPS; null for a context SwarmPS did not make.</summary>
        public string? ClusterOf(string name)
        {
            JsonNode? meta = ParseOrNull(ReadText(MetaFileOf(name)));
            return meta?["Metadata"]?[ClusterField]?.GetValue<string>();
        }

        /// <summary>The context's Docker endpoint, or null when it has none.</summary>
        public string? HostOf(string name)
        {
            JsonNode? meta = ParseOrNull(ReadText(MetaFileOf(name)));
            return meta?["Endpoints"]?[EndpointName]?["Host"]?.GetValue<string>();
        }

        /// <summary>Removes a context's metadata and TLS files; a current context pointing at it is reset. Returns whether it existed.</summary>
        public bool Remove(string name)
        {
            bool existed = Directory.Exists(MetaDirectoryOf(name)) || Directory.Exists(TlsDirectoryOf(name));
            if (string.Equals(CurrentContext, name, StringComparison.Ordinal))
            {
                CurrentContext = null;
            }

            if (Directory.Exists(MetaDirectoryOf(name)))
            {
                Directory.Delete(MetaDirectoryOf(name), recursive: true);
            }

            if (Directory.Exists(TlsDirectoryOf(name)))
            {
                Directory.Delete(TlsDirectoryOf(name), recursive: true);
            }

            return existed;
        }

        /// <summary>"currentContext" of config.json; setting it keeps every other key, null removes it.</summary>
        public string? CurrentContext
        {
            get
            {
                JsonObject config = ReadConfig();
                return config.TryGetPropertyValue("currentContext", out JsonNode? value) && value is JsonValue text && text.TryGetValue(out string? name) && name.Length > 0 ? name : null;
            }

            set
            {
                JsonObject config = ReadConfig();
                if (value == null)
                {
                    if (!config.Remove("currentContext"))
                    {
                        return;
                    }
                }
                else
                {
                    config["currentContext"] = value;
                }

                CreateDirectory(ConfigDirectory, PrivateDirectory);
                AtomicFile.Write(ConfigFile, config.ToJsonString(Indented), PrivateFile, overwrite: true);
            }
        }

        private JsonObject ReadConfig()
        {
            string? text = ReadText(ConfigFile);
            if (string.IsNullOrWhiteSpace(text))
            {
                return new JsonObject();
            }

            try
            {
                return JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not a JSON object");
            }
            catch (JsonException failure)
            {
                throw new SwarmException("DockerConfigInvalid", SwarmErrorKind.InvalidData,
                    $"The Docker CLI's {ConfigFile} is not valid JSON ({failure.Message}), so SwarmPS leaves it alone. Repair it (docker context use also needs it) and run again. Nothing was changed.", ConfigFile, failure);
            }
        }

        private IEnumerable<(string Path, string Content)> TlsFiles(DockerContextSpec spec)
        {
            string folder = EndpointTlsDirectoryOf(spec.Name);
            yield return (Path.Combine(folder, "ca.pem"), spec.CaPem!);
            yield return (Path.Combine(folder, "cert.pem"), spec.CertificatePem!);
            yield return (Path.Combine(folder, "key.pem"), spec.KeyPem!);
        }

        private static bool SameJson(string left, string right)
        {
            JsonNode? a = ParseOrNull(left);
            JsonNode? b = ParseOrNull(right);
            return a != null && b != null && JsonNode.DeepEquals(a, b);
        }

        private static JsonNode? ParseOrNull(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static string? ReadText(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

        private static bool ModeIs(string path, UnixFileMode mode) =>
            OperatingSystem.IsWindows() || (File.Exists(path) && File.GetUnixFileMode(path) == mode);

        /// <summary>Creates a folder with <paramref name="mode"/>; an existing one keeps its mode unless <paramref name="enforce"/> (the context's own TLS folders).</summary>
        private static void CreateDirectory(string path, UnixFileMode mode, bool enforce = false)
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
                return;
            }

            bool existed = Directory.Exists(path);
            Directory.CreateDirectory(path, mode);
            if (!existed || enforce)
            {
                SetMode(path, mode);
            }
        }

        private static void SetMode(string path, UnixFileMode mode)
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, mode);
            }
        }
    }
}
