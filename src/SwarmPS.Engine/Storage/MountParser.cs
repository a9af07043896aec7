using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;

namespace SwarmPS.Engine.Storage
{
    /// <summary>
    /// Mounts as the Docker CLI reads them: --mount's comma-separated key=value list (docker/cli opts/mount.go, with
    /// its keys, aliases and defaults: no type is a volume) and -v's short source:target[:options]. Everything the
    /// engine would refuse later (a relative target, a bind without source, a tmpfs with one) is refused here, before
    /// anything changes, with a stable id and a message that says what would be right.
    /// </summary>
    public static class MountParser
    {
        // A named volume, as the local driver accepts its name (moby volume/local: at least two characters).
        private static readonly Regex VolumeName = new Regex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$", RegexOptions.CultureInvariant);
        private static readonly Regex RamSize = new Regex(@"^(?<number>\d+(\.\d+)*) ?(?<unit>[kKmMgGtTpP])?[iI]?[bB]?$", RegexOptions.CultureInvariant);
        private static readonly string[] Types = { "bind", "volume", "tmpfs" };
        private static readonly string[] Propagations = { "rprivate", "private", "rshared", "shared", "rslave", "slave" };
        private static readonly string[] Consistencies = { "default", "consistent", "cached", "delegated" };

        private const string Example = "Write it as type=volume,source=dbdata,target=/var/lib/mysql, type=bind,source=/srv/x,target=/x,readonly or type=tmpfs,target=/tmp,tmpfs-size=64m.";

        /// <summary>The mounts of -Mount and -Volume together, each checked, and no two on the same target (MountTargetDuplicate).</summary>
        public static IReadOnlyList<Mount> ParseAll(IEnumerable<string>? mounts, IEnumerable<string>? volumes)
        {
            var parsed = new List<(string Text, Mount Mount)>();
            parsed.AddRange((mounts ?? Array.Empty<string>()).Select(m => (m, Parse(m))));
            parsed.AddRange((volumes ?? Array.Empty<string>()).Select(v => (v, ParseVolume(v))));
            foreach (IGrouping<string, (string Text, Mount Mount)> same in parsed.GroupBy(p => CleanTarget(p.Mount.Target), StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                throw new SwarmException("MountTargetDuplicate", SwarmErrorKind.InvalidArgument,
                    $"Two mounts have the same target {same.Key}: {string.Join(" and ", same.Select(p => $"'{p.Text}'"))}. A container path can hold one mount only; give each mount its own target.", same.Key);
            }

            return parsed.Select(p => p.Mount).ToList();
        }

        /// <summary>The settings with the mounts of -Mount and -Volume (null for both: the mounts stay as they are).</summary>
        public static Workloads.ContainerSettings WithMounts(Workloads.ContainerSettings settings, IEnumerable<string>? mounts, IEnumerable<string>? volumes) =>
            mounts == null && volumes == null ? settings : settings with { Mounts = ParseAll(mounts, volumes) };

        /// <summary>One --mount value: type=volume,source=dbdata,target=/var/lib/mysql.</summary>
        public static Mount Parse(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                throw Invalid(text ?? string.Empty, "it is empty.");
            }

            var mount = new Mount { Type = "volume" };
            foreach (string field in SplitCsv(text))
            {
                int equals = field.IndexOf('=');
                string key = (equals < 0 ? field : field.Substring(0, equals)).Trim().ToLowerInvariant();
                string value = equals < 0 ? string.Empty : field.Substring(equals + 1);
                if (equals < 0)
                {
                    switch (key)
                    {
                        case "readonly":
                        case "ro":
                            mount.ReadOnly = true;
                            continue;
                        case "volume-nocopy":
                            VolumeOptionsOf(mount).NoCopy = true;
                            continue;
                        case "bind-nonrecursive":
                            BindOptionsOf(mount).NonRecursive = true;
                            continue;
                        default:
                            if (!KnownKey(key))
                            {
                                throw UnknownKey(text, key);
                            }

                            throw Invalid(text, $"'{field}' needs a value: write {key}=VALUE.");
                    }
                }

                switch (key)
                {
                    case "type":
                        mount.Type = value.Trim().ToLowerInvariant();
                        break;
                    case "source":
                    case "src":
                        mount.Source = value;
                        break;
                    case "target":
                    case "dst":
                    case "destination":
                        mount.Target = value;
                        break;
                    case "readonly":
                    case "ro":
                        mount.ReadOnly = Bool(text, key, value);
                        break;
                    case "consistency":
                        mount.Consistency = OneOf(text, key, value, Consistencies);
                        break;
                    case "bind-propagation":
                        BindOptionsOf(mount).Propagation = OneOf(text, key, value, Propagations);
                        break;
                    case "bind-nonrecursive":
                        BindOptionsOf(mount).NonRecursive = Bool(text, key, value);
                        break;
                    case "volume-nocopy":
                        VolumeOptionsOf(mount).NoCopy = Bool(text, key, value);
                        break;
                    case "volume-label":
                        SetPair(VolumeOptionsOf(mount).Labels ??= new Dictionary<string, string>(StringComparer.Ordinal), value);
                        break;
                    case "volume-driver":
                        DriverOf(mount).Name = value;
                        break;
                    case "volume-opt":
                        SetPair(DriverOf(mount).Options ??= new Dictionary<string, string>(StringComparer.Ordinal), value);
                        break;
                    case "tmpfs-size":
                        TmpfsOptionsOf(mount).SizeBytes = RamInBytes(text, value);
                        break;
                    case "tmpfs-mode":
                        TmpfsOptionsOf(mount).Mode = FileMode(text, value);
                        break;
                    default:
                        throw UnknownKey(text, key);
                }
            }

            return Checked(text, mount, "-Mount");
        }

        /// <summary>
        /// One -Volume value, as docker run -v reads it: NAME:/target or /host/path:/target, then :ro, :rw, :nocopy or
        /// a bind propagation (several joined by commas); /target alone is an anonymous volume. An absolute source is a
        /// bind mount, a name a named volume.
        /// </summary>
        public static Mount ParseVolume(string text)
        {
            string[] parts = (text ?? string.Empty).Split(':');
            if (string.IsNullOrWhiteSpace(text) || parts.Length > 3 || parts.Any(p => p.Length == 0))
            {
                throw new SwarmException("MountInvalid", SwarmErrorKind.InvalidArgument,
                    $"-Volume '{text}' is not a volume. Write NAME:/path/in/container (a named volume), /host/path:/path/in/container (a bind mount), and :ro after it for read-only, such as dbdata:/var/lib/mysql or /srv/conf:/etc/app:ro.", text);
            }

            var mount = new Mount();
            if (parts.Length == 1)
            {
                mount.Type = "volume";
                mount.Target = parts[0];
            }
            else
            {
                mount.Type = parts[0].StartsWith('/') ? "bind" : "volume";
                mount.Source = parts[0];
                mount.Target = parts[1];
            }

            foreach (string option in parts.Length == 3 ? parts[2].Split(',') : Array.Empty<string>())
            {
                string lower = option.Trim().ToLowerInvariant();
                if (lower == "ro")
                {
                    mount.ReadOnly = true;
                }
                else if (lower == "rw")
                {
                    mount.ReadOnly = null;
                }
                else if (lower == "nocopy" && mount.Type == "volume")
                {
                    VolumeOptionsOf(mount).NoCopy = true;
                }
                else if (Propagations.Contains(lower) && mount.Type == "bind")
                {
                    BindOptionsOf(mount).Propagation = lower;
                }
                else
                {
                    throw new SwarmException("MountInvalid", SwarmErrorKind.InvalidArgument,
                        $"-Volume '{text}': '{option}' is not an option of a {mount.Type} mount. After the target write ro or rw{(mount.Type == "volume" ? ", or nocopy" : ", or a propagation (rprivate, private, rshared, shared, rslave, slave)")}, such as dbdata:/var/lib/mysql:ro.", text);
                }
            }

            return Checked(text!, mount, "-Volume");
        }

        /// <summary>
        /// A mount written back in --mount syntax, with its keys in a fixed order and defaults left out: how SwarmPS
        /// shows a container's mounts and compares them, so type=volume,src=x,dst=/y and -Volume x:/y read the same.
        /// </summary>
        public static string Format(Mount mount)
        {
            var fields = new List<string> { "type=" + (mount.Type ?? "volume") };
            if (!string.IsNullOrEmpty(mount.Source))
            {
                fields.Add("source=" + mount.Source);
            }

            fields.Add("target=" + CleanTarget(mount.Target));
            if (mount.ReadOnly == true)
            {
                fields.Add("readonly");
            }

            if (!string.IsNullOrEmpty(mount.Consistency) && mount.Consistency != "default")
            {
                fields.Add("consistency=" + mount.Consistency);
            }

            BindOptions? bind = mount.BindOptions;
            if (!string.IsNullOrEmpty(bind?.Propagation))
            {
                fields.Add("bind-propagation=" + bind.Propagation);
            }

            if (bind?.NonRecursive == true)
            {
                fields.Add("bind-nonrecursive");
            }

            VolumeOptions? volume = mount.VolumeOptions;
            if (!string.IsNullOrEmpty(volume?.DriverConfig?.Name))
            {
                fields.Add("volume-driver=" + volume.DriverConfig.Name);
            }

            fields.AddRange((volume?.Labels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"volume-label={l.Key}={l.Value}"));
            fields.AddRange((volume?.DriverConfig?.Options ?? new Dictionary<string, string>()).OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"volume-opt={o.Key}={o.Value}"));
            if (volume?.NoCopy == true)
            {
                fields.Add("volume-nocopy");
            }

            TmpfsOptions? tmpfs = mount.TmpfsOptions;
            if (tmpfs?.SizeBytes is long size && size > 0)
            {
                fields.Add("tmpfs-size=" + size.ToString(CultureInfo.InvariantCulture));
            }

            if (tmpfs?.Mode is uint mode && mode != 0)
            {
                fields.Add("tmpfs-mode=" + Convert.ToString(mode, 8));
            }

            return string.Join(",", fields.Select(Quote));
        }

        /// <summary>A spec's mounts as one text, in target order, for a field-by-field comparison: "" when there are none.</summary>
        public static string Describe(IEnumerable<Mount>? mounts) =>
            string.Join("; ", (mounts ?? Array.Empty<Mount>()).OrderBy(m => CleanTarget(m.Target), StringComparer.Ordinal).Select(Format));

        /// <summary>Deep copies, so a spec never shares a mount with the settings it was made from.</summary>
        public static IList<Mount> Copy(IEnumerable<Mount> mounts) =>
            System.Text.Json.JsonSerializer.Deserialize<List<Mount>>(System.Text.Json.JsonSerializer.Serialize(mounts.ToList())) ?? new List<Mount>();

        /// <summary>A mount a container has, as docker inspect lists it, in the same --mount syntax.</summary>
        public static string Format(MountPoint mount) => Format(new Mount
        {
            Type = mount.Type,
            Source = mount.Type == "volume" ? mount.Name : mount.Type == "tmpfs" ? null : mount.Source,
            Target = mount.Destination,
            ReadOnly = mount.RW ? null : true,
        });

        private static Mount Checked(string text, Mount mount, string parameter)
        {
            if (string.IsNullOrEmpty(mount.Type))
            {
                throw new SwarmException("MountTypeMissing", SwarmErrorKind.InvalidArgument,
                    $"{parameter} '{text}' gives type= without a type. Write type=volume, type=bind or type=tmpfs.", text);
            }

            if (!Types.Contains(mount.Type))
            {
                throw Invalid(text, $"'{mount.Type}' is not a mount type SwarmPS runs on Linux nodes: use volume, bind or tmpfs.", parameter);
            }

            if (string.IsNullOrEmpty(mount.Target))
            {
                throw Invalid(text, "it has no target: add target=/path/in/container.", parameter);
            }

            if (!mount.Target.StartsWith('/'))
            {
                throw new SwarmException("MountTargetNotAbsolute", SwarmErrorKind.InvalidArgument,
                    $"The mount target '{mount.Target}' in {parameter} '{text}' is not an absolute path: the path in the container must start with '/', such as target=/{mount.Target.TrimStart('.', '/')}.", text);
            }

            if (mount.VolumeOptions != null && mount.Type != "volume")
            {
                throw Invalid(text, $"volume-* options go with type=volume only, not with type={mount.Type}.", parameter);
            }

            if (mount.BindOptions != null && mount.Type != "bind")
            {
                throw Invalid(text, $"bind-* options go with type=bind only, not with type={mount.Type}.", parameter);
            }

            if (mount.TmpfsOptions != null && mount.Type != "tmpfs")
            {
                throw Invalid(text, $"tmpfs-* options go with type=tmpfs only, not with type={mount.Type}.", parameter);
            }

            switch (mount.Type)
            {
                case "bind" when string.IsNullOrEmpty(mount.Source):
                    throw Invalid(text, "a bind mount needs the host path: add source=/path/on/the/node.", parameter);
                case "bind" when !mount.Source.StartsWith('/'):
                    throw Invalid(text, $"the bind source '{mount.Source}' is not an absolute path on the node. Write source=/path/on/the/node, or type=volume for a named volume.", parameter);
                case "volume" when !string.IsNullOrEmpty(mount.Source) && !VolumeName.IsMatch(mount.Source):
                    throw Invalid(text, $"'{mount.Source}' is not a volume name: use at least two letters, digits, '_', '.' or '-', starting with a letter or digit (such as dbdata); for a path on the node use type=bind.", parameter);
                case "tmpfs" when !string.IsNullOrEmpty(mount.Source):
                    throw Invalid(text, "a tmpfs mount lives in memory and has no source: leave source out.", parameter);
            }

            mount.Target = CleanTarget(mount.Target);
            return mount;
        }

        /// <summary>/data/ and /data are the same target.</summary>
        private static string CleanTarget(string? target) =>
            string.IsNullOrEmpty(target) || target == "/" ? target ?? string.Empty : target.TrimEnd('/');

        private static VolumeOptions VolumeOptionsOf(Mount mount)
        {
            mount.VolumeOptions ??= new VolumeOptions { Labels = new Dictionary<string, string>(StringComparer.Ordinal) };
            mount.VolumeOptions.Labels ??= new Dictionary<string, string>(StringComparer.Ordinal);
            mount.VolumeOptions.DriverConfig ??= new Driver();
            return mount.VolumeOptions;
        }

        private static Driver DriverOf(Mount mount) => VolumeOptionsOf(mount).DriverConfig ??= new Driver();

        private static BindOptions BindOptionsOf(Mount mount) => mount.BindOptions ??= new BindOptions();

        private static TmpfsOptions TmpfsOptionsOf(Mount mount) => mount.TmpfsOptions ??= new TmpfsOptions();

        private static void SetPair(IDictionary<string, string> target, string value)
        {
            int equals = value.IndexOf('=');
            string key = equals < 0 ? value : value.Substring(0, equals);
            if (key.Length > 0)
            {
                target[key] = equals < 0 ? string.Empty : value.Substring(equals + 1);
            }
        }

        private static bool KnownKey(string key) => key is "type" or "source" or "src" or "target" or "dst" or "destination" or "readonly" or "ro" or "consistency"
            or "bind-propagation" or "bind-nonrecursive" or "volume-nocopy" or "volume-label" or "volume-driver" or "volume-opt" or "tmpfs-size" or "tmpfs-mode";

        /// <summary>As Go's strconv.ParseBool, which the CLI uses.</summary>
        private static bool Bool(string text, string key, string value) => value switch
        {
            "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
            "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
            _ => throw Invalid(text, $"'{value}' is not a value for {key}: write {key}=true or {key}=false (or {key} alone)."),
        };

        private static string OneOf(string text, string key, string value, string[] allowed)
        {
            string lower = value.Trim().ToLowerInvariant();
            return allowed.Contains(lower) ? lower : throw Invalid(text, $"'{value}' is not a value for {key}: use one of {string.Join(", ", allowed)}.");
        }

        /// <summary>As go-units' RAMInBytes: 64m, 1.5g, 512k, 1024 (binary units).</summary>
        private static long RamInBytes(string text, string value)
        {
            Match match = RamSize.Match(value);
            if (!match.Success || !decimal.TryParse(match.Groups["number"].Value, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal number))
            {
                throw Invalid(text, $"'{value}' is not a size for tmpfs-size: write bytes or a size with a unit, such as tmpfs-size=64m or tmpfs-size=1g.");
            }

            decimal multiplier = char.ToLowerInvariant(match.Groups["unit"].Success ? match.Groups["unit"].Value[0] : 'b') switch
            {
                'k' => 1024m,
                'm' => 1024m * 1024,
                'g' => 1024m * 1024 * 1024,
                't' => 1024m * 1024 * 1024 * 1024,
                'p' => 1024m * 1024 * 1024 * 1024 * 1024,
                _ => 1m,
            };
            decimal bytes = decimal.Truncate(number * multiplier);
            return bytes is > 0 and <= long.MaxValue
                ? (long)bytes
                : throw Invalid(text, $"'{value}' is not a size for tmpfs-size: it must be more than 0, such as tmpfs-size=64m.");
        }

        /// <summary>An octal file mode, as the CLI reads tmpfs-mode (1777, 0700).</summary>
        private static uint FileMode(string text, string value)
        {
            try
            {
                return value.Length > 0 && value.All(c => c is >= '0' and <= '7') ? Convert.ToUInt32(value, 8) : throw new FormatException();
            }
            catch (Exception failure) when (failure is FormatException or OverflowException)
            {
                throw Invalid(text, $"'{value}' is not a mode for tmpfs-mode: write it in octal, such as tmpfs-mode=1777 or tmpfs-mode=700.");
            }
        }

        /// <summary>One CSV record, as Go's encoding/csv reads the CLI's value: commas separate, double quotes hold commas, "" is a quote.</summary>
        private static IReadOnlyList<string> SplitCsv(string text)
        {
            var fields = new List<string>();
            var field = new StringBuilder();
            bool quoted = false;
            bool wasQuoted = false;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        field.Append(c);
                    }
                }
                else if (c == '"' && field.Length == 0 && !wasQuoted)
                {
                    quoted = true;
                    wasQuoted = true;
                }
                else if (c == ',')
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                }
                else if (c == '"' || wasQuoted)
                {
                    throw Invalid(text, "a double quote may only enclose a whole field, such as \"volume-opt=o=addr=10.0.0.5,rw\".");
                }
                else
                {
                    field.Append(c);
                }
            }

            if (quoted)
            {
                throw Invalid(text, "a double quote is not closed.");
            }

            fields.Add(field.ToString());
            return fields.Where(f => f.Length > 0).ToList();
        }

        private static string Quote(string field) =>
            field.Contains(',') || field.Contains('"') ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

        private static SwarmException UnknownKey(string text, string key) => new SwarmException("MountKeyUnknown", SwarmErrorKind.InvalidArgument,
            $"-Mount '{text}' has the key '{key}', which --mount does not know. The keys are type, source (src), target (dst, destination), readonly (ro), consistency, bind-propagation, bind-nonrecursive, volume-driver, volume-label, volume-opt, volume-nocopy, tmpfs-size and tmpfs-mode.", text);

        private static SwarmException Invalid(string text, string why, string parameter = "-Mount") => new SwarmException("MountInvalid", SwarmErrorKind.InvalidArgument,
            $"{parameter} '{text}' is not a valid mount: {why} {(parameter == "-Mount" ? Example : "Write NAME:/path/in/container or /host/path:/path/in/container, with :ro for read-only.")}", text);
    }
}
