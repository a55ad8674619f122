<#
.SYNOPSIS
  Build VBE Desk's Windows installer from a clean checkout.

.DESCRIPTION
  1. Creates .venv and installs the program with its development tools, PyInstaller
     among them (python run.py setup).
  2. Runs the tests unless -SkipTests (python run.py test).
  3. Builds the one-folder bundle dist\vbedesk (python run.py bundle, installer\vbedesk.spec).
  4. Runs "vbedesk-cli.exe --version" and "vbedesk-cli.exe selftest" from the bundle.
  5. Compiles installer\windows\vbedesk.iss with Inno Setup 6 (ISCC.exe) into
     dist\VBE-Desk-<version>-setup.exe.

  Needs: Python 3.11 or newer (the "py" launcher or python on PATH) and Inno Setup 6
  (winget install JRSoftware.InnoSetup). Nothing is downloaded at run time except the
  Python packages pip installs into .venv.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installer\windows\build-windows.ps1
#>
[CmdletBinding()]
param(
  [switch]$SkipTests,
  [string]$Iscc = ""
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root

function Invoke-Step([string]$Title, [scriptblock]$Block) {
  Write-Host "==> $Title"
  & $Block
  if ($LASTEXITCODE -ne 0) { throw "$Title failed (exit code $LASTEXITCODE)" }
}

# Python 3.11+: prefer the launcher.
$Python = if (Get-Command py -ErrorAction SilentlyContinue) { @("py", "-3") } else { @("python") }
$Py = $Python[0]; $PyArgs = @($Python | Select-Object -Skip 1)

Invoke-Step "Set up .venv" { & $Py @PyArgs run.py setup }
if (-not $SkipTests) {
  Invoke-Step "Run the tests" { & $Py @PyArgs run.py test -q -m "not bundle" }
}
Invoke-Step "Build the bundle" { & $Py @PyArgs run.py bundle }

$Bundle = Join-Path $Root "dist\vbedesk"
$Cli = Join-Path $Bundle "vbedesk-cli.exe"
Invoke-Step "vbedesk-cli --version" { & $Cli --version }
Invoke-Step "vbedesk-cli selftest" { & $Cli selftest }

$Version = (& (Join-Path $Root ".venv\Scripts\python.exe") -c "import vbedesk; print(vbedesk.__version__)").Trim()

if (-not $Iscc) {
  $Candidates = @(
    (Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"),
    (Join-Path $env:ProgramFiles "Inno Setup 6\ISCC.exe"),
    (Join-Path $env:LOCALAPPDATA "Programs\Inno Setup 6\ISCC.exe")
  )
  $Iscc = $Candidates | Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
  if (-not $Iscc) {
    $Found = Get-Command iscc -ErrorAction SilentlyContinue
    if ($Found) { $Iscc = $Found.Source }
  }
}
if (-not $Iscc) { throw "Inno Setup 6 (ISCC.exe) not found: winget install JRSoftware.InnoSetup, or pass -Iscc" }

$Script = Join-Path $Root "installer\windows\vbedesk.iss"
Invoke-Step "Compile the installer" {
  & $Iscc "/DAppVersion=$Version" "/DBundleDir=$Bundle" "/DOutputDir=$(Join-Path $Root 'dist')" $Script
}
Write-Host "Done: dist\VBE-Desk-$Version-setup.exe"
